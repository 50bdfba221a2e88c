package models

// Period is the part of the day a batch belongs to.
type Period string

// The periods.
const (
	Morning Period = "MORNING"
	Evening Period = "EVENING"
)

// IsValid reports whether p is a known period.
func (p Period) IsValid() bool { return p == Morning || p == Evening }

// Batch is a time slot of the day in which classes are held.
type Batch struct {
	ID        uint      `gorm:"primaryKey"`
	Name      string    `gorm:"size:80;not null"`
	Ordinal   int       `gorm:"not null;uniqueIndex:ux_batches_ordinal"`
	StartTime LocalTime `gorm:"column:start_minutes;not null"`
	EndTime   LocalTime `gorm:"column:end_minutes;not null"`
	Period    Period    `gorm:"size:16;not null;index:ix_batches_period"`
}

// DurationMinutes returns how long one class in the batch lasts.
func (b *Batch) DurationMinutes() int { return int(b.EndTime - b.StartTime) }
