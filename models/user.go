package models

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a staff user may do. Roles nest: an ADMIN may do all that an EDITOR
// may, and an EDITOR all that STAFF may.
type Role string

// The roles, from most to least powerful.
const (
	RoleAdmin  Role = "ADMIN"
	RoleEditor Role = "EDITOR"
	RoleStaff  Role = "STAFF"
)

var roleRank = map[Role]int{RoleStaff: 1, RoleEditor: 2, RoleAdmin: 3}

// IsValid reports whether r is a known role.
func (r Role) IsValid() bool { return roleRank[r] > 0 }

// Includes reports whether a user with role r may do what needs role need.
func (r Role) Includes(need Role) bool { return r.IsValid() && roleRank[r] >= roleRank[need] }

// ParseRole reads a role name in any case ("admin", "ADMIN").
func ParseRole(s string) (Role, bool) {
	r := Role(strings.ToUpper(strings.TrimSpace(s)))
	return r, r.IsValid()
}

// User is a staff account.
type User struct {
	ID           uint       `gorm:"primaryKey"`
	Name         string     `gorm:"size:120;not null"`
	Email        string     `gorm:"size:254;not null;uniqueIndex:ux_users_email"`
	Role         Role       `gorm:"size:16;not null;index:ix_users_role_active,priority:1"`
	Bio          string     `gorm:"type:text;not null"`
	AvatarURL    string     `gorm:"size:500;not null"`
	Active       bool       `gorm:"not null;index:ix_users_role_active,priority:2"`
	PasswordHash string     `gorm:"size:255;not null"`
	CreatedAt    time.Time  `gorm:"not null"`
	UpdatedAt    time.Time  `gorm:"not null"`
	LastLoginAt  *time.Time ``
}

// Can reports whether the user is active and has a role that includes need.
func (u *User) Can(need Role) bool { return u != nil && u.Active && u.Role.Includes(need) }

func (User) isNode() {}

// NormalizeEmail trims and lower-cases an email address, so that lookups match on
// every engine.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail checks an email address's syntax; field names the input.
func ValidateEmail(field, email string) error {
	if email == "" {
		return InvalidField(field, "is required")
	}
	if utf8.RuneCountInString(email) > 254 {
		return InvalidField(field, "must be at most 254 characters")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return InvalidField(field, "is not a valid email address")
	}
	return nil
}

// ValidateText checks that a trimmed text is between min and max characters; field
// names the input. min 0 makes it optional.
func ValidateText(field, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case min > 0 && n == 0:
		return InvalidField(field, "is required")
	case n < min:
		return InvalidField(field, "must be at least %d characters", min)
	case n > max:
		return InvalidField(field, "must be at most %d characters", max)
	}
	return nil
}

// ValidateURL checks an optional http(s) URL; field names the input.
func ValidateURL(field, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || utf8.RuneCountInString(s) > 500 {
		return InvalidField(field, "must be an http or https address of at most 500 characters")
	}
	return nil
}

// UserInput is a new user, or the changes to one (nil fields stay as they are).
type UserInput struct {
	Name      *string
	Email     *string
	Role      *Role
	Bio       *string
	AvatarURL *string
}

// Normalize trims the texts and normalises the email.
func (in *UserInput) Normalize() {
	trim(in.Name)
	trim(in.Bio)
	trim(in.AvatarURL)
	if in.Email != nil {
		*in.Email = NormalizeEmail(*in.Email)
	}
}

// Validate checks the fields that are set; prefix is the input's path ("input").
func (in UserInput) Validate(prefix string) error {
	if in.Name != nil {
		if err := ValidateText(prefix+".name", *in.Name, 1, 120); err != nil {
			return err
		}
	}
	if in.Email != nil {
		if err := ValidateEmail(prefix+".email", *in.Email); err != nil {
			return err
		}
	}
	if in.Role != nil && !in.Role.IsValid() {
		return InvalidField(prefix+".role", "is not a role")
	}
	if in.Bio != nil {
		if err := ValidateText(prefix+".bio", *in.Bio, 0, 2000); err != nil {
			return err
		}
	}
	if in.AvatarURL != nil {
		if err := ValidateURL(prefix+".avatarUrl", *in.AvatarURL); err != nil {
			return err
		}
	}
	return nil
}

func trim(s *string) {
	if s != nil {
		*s = strings.TrimSpace(*s)
	}
}

// Password rules.
const (
	MinPasswordLength = 12
	// MaxPasswordBytes is bcrypt's limit: it ignores bytes past 72.
	MaxPasswordBytes = 72
)

// commonPasswords are refused whatever their length; the list holds the common ones
// of at least MinPasswordLength characters, compared in lower case.
var commonPasswords = map[string]bool{
	"123456789012": true, "1234567890123": true, "12345678901234": true, "qwertyuiop12": true,
	"qwertyuiopasdf": true, "password1234": true, "password12345": true, "password123456": true,
	"passwordpassword": true, "iloveyou1234": true, "administrator": true, "adminadmin123": true,
	"welcome12345": true, "letmein12345": true, "changeme1234": true, "qwerty123456": true,
	"1q2w3e4r5t6y": true, "abc123456789": true, "111111111111": true, "000000000000": true,
	"aaaaaaaaaaaa": true, "computer1234": true, "coursegraph1": true, "coursegraph123": true,
	"trustno1trustno1": true, "football1234": true, "baseball1234": true, "sunshine1234": true,
	"princess1234": true, "dragon123456": true, "monkey123456": true, "superman1234": true,
}

// ValidatePassword checks a new password: long enough, within bcrypt's limit, not a
// common one, and not the user's email.
func ValidatePassword(field, password, email string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return InvalidField(field, "must be at least %d characters", MinPasswordLength)
	case len(password) > MaxPasswordBytes:
		return InvalidField(field, "must be at most %d bytes", MaxPasswordBytes)
	case commonPasswords[strings.ToLower(password)]:
		return InvalidField(field, "is too common; choose another")
	case email != "" && strings.EqualFold(password, email):
		return InvalidField(field, "must not be your email address")
	}
	return nil
}

// Session is a signed-in device: the hash of its bearer token (never the token)
// and its lifetime.
type Session struct {
	ID        uint       `gorm:"primaryKey"`
	UserID    uint       `gorm:"not null;index:ix_sessions_user"`
	TokenHash string     `gorm:"size:64;not null;uniqueIndex:ux_sessions_token"`
	CreatedAt time.Time  `gorm:"not null"`
	ExpiresAt time.Time  `gorm:"not null"`
	RevokedAt *time.Time ``
}

// Valid reports whether the session may still be used at now.
func (s *Session) Valid(now time.Time) bool { return s.RevokedAt == nil && now.Before(s.ExpiresAt) }

// Apply writes the input's set fields onto u and returns the changes.
func (u *User) Apply(in UserInput) Changes {
	var ch Changes
	set(&ch, "name", &u.Name, in.Name)
	set(&ch, "email", &u.Email, in.Email)
	set(&ch, "role", &u.Role, in.Role)
	set(&ch, "bio", &u.Bio, in.Bio)
	set(&ch, "avatarUrl", &u.AvatarURL, in.AvatarURL)
	return ch
}
