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

// The periods' bounds: morning batches ("morning to noon") start before 15:00,
// evening ones ("afternoon to night") from noon; the centre chooses in between.
const (
	latestMorningStart   LocalTime = 15 * 60
	earliestEveningStart LocalTime = 12 * 60
)

// BatchInput is a new batch, or the changes to one: nil fields stay as they are.
type BatchInput struct {
	Name      *string
	Ordinal   *int
	StartTime *LocalTime
	EndTime   *LocalTime
	Period    *Period
}

// Apply writes the input's set fields onto b and returns the changes.
func (b *Batch) Apply(in BatchInput) Changes {
	var ch Changes
	trim(in.Name)
	set(&ch, "name", &b.Name, in.Name)
	set(&ch, "ordinal", &b.Ordinal, in.Ordinal)
	set(&ch, "startTime", &b.StartTime, in.StartTime)
	set(&ch, "endTime", &b.EndTime, in.EndTime)
	set(&ch, "period", &b.Period, in.Period)
	return ch
}

// Validate checks a batch as it would be stored, against the day's other batches
// (which must not overlap it); prefix is the input's path.
func (b *Batch) Validate(prefix string, others []*Batch) error {
	if err := ValidateText(prefix+".name", b.Name, 1, 80); err != nil {
		return err
	}
	switch {
	case b.Ordinal < 1 || b.Ordinal > 100:
		return InvalidField(prefix+".ordinal", "must be between 1 and 100")
	case b.StartTime < 0 || b.StartTime >= 24*60:
		return InvalidField(prefix+".startTime", "must be a time of day")
	case b.EndTime <= b.StartTime || b.EndTime >= 24*60:
		return InvalidField(prefix+".endTime", "must be after startTime, on the same day")
	case !b.Period.IsValid():
		return InvalidField(prefix+".period", "is required")
	case b.Period == Morning && b.StartTime >= latestMorningStart:
		return InvalidField(prefix+".period", "a batch starting at %s is not a MORNING batch", b.StartTime)
	case b.Period == Evening && b.StartTime < earliestEveningStart:
		return InvalidField(prefix+".period", "a batch starting at %s is not an EVENING batch", b.StartTime)
	}
	for _, o := range others {
		if o.ID != b.ID && b.StartTime < o.EndTime && o.StartTime < b.EndTime {
			return InvalidField(prefix+".startTime", "overlaps %s (%s-%s)", o.Name, o.StartTime, o.EndTime)
		}
	}
	return nil
}
