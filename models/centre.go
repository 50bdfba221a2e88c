package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// Centre is the training centre: its name, contact details and settings. There is
// one row.
type Centre struct {
	ID       uint        `gorm:"primaryKey"`
	Name     string      `gorm:"size:200;not null"`
	Address  Strings     `gorm:"type:text;not null"`
	Phone    string      `gorm:"size:40;not null"`
	Email    string      `gorm:"size:254;not null"`
	Timezone string      `gorm:"size:64;not null"`
	Currency string      `gorm:"size:3;not null"`
	Links    CentreLinks `gorm:"type:text;not null"`
}

// CentreLink is a web address of the centre.
type CentreLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// CentreLinks is a list of links stored as a JSON array.
type CentreLinks []CentreLink

// Value stores the links as JSON.
func (l CentreLinks) Value() (driver.Value, error) {
	if l == nil {
		l = CentreLinks{}
	}
	b, err := json.Marshal([]CentreLink(l))
	return string(b), err
}

// Scan reads the links from JSON.
func (l *CentreLinks) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return json.Unmarshal([]byte(v), (*[]CentreLink)(l))
	case []byte:
		return json.Unmarshal(v, (*[]CentreLink)(l))
	default:
		return fmt.Errorf("scan centre links: unsupported type %T", src)
	}
}
