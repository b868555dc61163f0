// Package parse reads the free text that members and secretaries type into the
// chat: dates, quarterly reports and the arguments of commands.
// It is pure: no database, no clock (the caller passes now, already in the
// configured zone).
//
// Every parser accepts full-width digits and punctuation, U+3000 and other
// odd spaces, and \r\n. Errors returned by the parsers are *Error values whose
// message is Simplified Chinese, fit to send back to the user as is.
// Command arguments are read after Normalize, so the rest returned by the
// date parsers and the places they yield are half-width; report text and the
// rest returned by SplitName are kept exactly as typed.
//
// Decisions where the forms people write are ambiguous:
//
//   - A date written without a year is the most recent one not in the future
//     ("12月30日" on 2027-01-02 is 2026-12-30).
//   - Weeks start on Monday. 上周六 is the Saturday of last week; 本周三/这周三 the
//     Wednesday of this week (which may be after today: callers that need a
//     past date check it); a bare 周三/星期三 the most recent Wednesday, today
//     included.
//   - A bare day (20号, 20日) is the most recent such day; it must stand alone
//     (followed by a space, punctuation or the end), so "2号楼" is not a date.
//   - A time of day after a date (下午, 14:30, 3点半) is read and dropped.
//   - ParseReport puts text before the first label (a title, "尊敬的党组织：") and
//     the closing of a letter (from a line starting with 此致, 敬礼, 汇报人 or
//     报告人) into Free; with no label at all, everything is Free. A first line
//     that is only "思想汇报" is a title, not the 思想 label, when a 思想 label
//     follows later or a salutation (尊敬的…) comes next. A label that is a
//     section name followed only by a comma needs a number or a suffix
//     (一、思想，/ 学习方面,): "工作，是…" is text.
//   - ParseOrgLife requires a date (今天 is fine): a record sent days later must
//     not be dated the day it was typed. The kind must be one of OrgLifeKinds
//     (or a known alias), found anywhere in the text; 其他 is accepted when
//     written; two different kinds are refused. A date after today is refused.
//   - ParseDeparture: the date is optional (today) and, like every date here,
//     a date without a year lies in the past (write 下个月1号 or the year for
//     a planned departure); the reason defaults to 其他 when none is
//     recognised; words after the place (employer, 照顾孙子) go to Note.
//   - SplitName requires a separator after the name (space, colon or comma).
package parse
