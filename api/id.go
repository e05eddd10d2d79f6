package api

import "github.com/google/uuid"

// NewID returns a new recording id: a UUIDv7 in canonical lowercase form.
// UUIDv7 ids sort by creation time and never collide across devices.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// ValidID reports whether s is a recording id the server accepts: a UUIDv7
// in canonical lowercase 8-4-4-4-12 form with the RFC 9562 variant. Anything
// else (other versions, braces, upper case, path separators) is refused.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	u, err := uuid.Parse(s)
	return err == nil && u.Version() == 7 && u.Variant() == uuid.RFC4122
}
