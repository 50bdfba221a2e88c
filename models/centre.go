package models

// Centre is the training centre: its name, contact details and settings. There is
// one row.
type Centre struct {
	ID       uint         `gorm:"primaryKey"`
	Name     string       `gorm:"size:200;not null"`
	Address  []string     `gorm:"type:text;not null;serializer:json"`
	Phone    string       `gorm:"size:40;not null"`
	Email    string       `gorm:"size:254;not null"`
	Timezone string       `gorm:"size:64;not null"`
	Currency string       `gorm:"size:3;not null"`
	Links    []CentreLink `gorm:"type:text;not null;serializer:json"`
}

// CentreLink is a web address of the centre.
type CentreLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}
