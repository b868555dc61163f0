// Package secret encrypts personal data at rest (AES-256-GCM) and keys one-way hashes (HMAC-SHA256)
// with the instance's secret key.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Box holds the derived keys; safe for concurrent use.
type Box struct {
	aead   cipher.AEAD
	macKey []byte
}

// New derives an encryption key and a MAC key from the 32-byte master key.
func New(master []byte) (*Box, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("secret: want a 32-byte key, got %d bytes", len(master))
	}
	encKey := derive(master, "liudong/encrypt")
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return &Box{aead: aead, macKey: derive(master, "liudong/mac")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plaintext; empty stays empty so "no phone" needs no ciphertext.
func (b *Box) Seal(plaintext string) []byte {
	if plaintext == "" {
		return nil
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("secret: no randomness: " + err.Error())
	}
	return b.aead.Seal(nonce, nonce, []byte(plaintext), nil)
}

// Open decrypts what Seal produced.
func (b *Box) Open(ciphertext []byte) (string, error) {
	if len(ciphertext) == 0 {
		return "", nil
	}
	n := b.aead.NonceSize()
	if len(ciphertext) < n {
		return "", errors.New("secret: ciphertext too short")
	}
	pt, err := b.aead.Open(nil, ciphertext[:n], ciphertext[n:], nil)
	if err != nil {
		return "", errors.New("secret: cannot decrypt (wrong secret_key?)")
	}
	return string(pt), nil
}

// MAC is a keyed one-way hash, hex encoded: binding codes are stored this way.
func (b *Box) MAC(parts ...string) string {
	m := hmac.New(sha256.New, b.macKey)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// MaskPhone shows only the first 3 and last 4 digits: 138****5678.
func MaskPhone(phone string) string {
	r := []rune(phone)
	if len(r) < 7 {
		return "****"
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}
