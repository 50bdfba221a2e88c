package models_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"coursegraph/models"
)

// asError returns err as a *models.Error, failing the test when it is not one.
func asError(t *testing.T, err error) *models.Error {
	t.Helper()
	var me *models.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T) is not a *models.Error", err, err)
	}
	return me
}

// checkInvalidField checks that err is nil when wantField is "", and otherwise an
// Invalid *models.Error with a message, naming wantField.
func checkInvalidField(t *testing.T, err error, wantField string) {
	t.Helper()
	if wantField == "" {
		if err != nil {
			t.Fatalf("error %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one on %s", wantField)
	}
	me := asError(t, err)
	if me.Code != models.Invalid || me.Field != wantField || me.Message == "" {
		t.Errorf("error = {Code: %q, Field: %q, Message: %q}, want {Code: %q, Field: %q} with a message", me.Code, me.Field, me.Message, models.Invalid, wantField)
	}
}

func TestErrorError(t *testing.T) {
	tests := []struct {
		name string
		err  *models.Error
		want string
	}{
		{
			name: "an error with a field puts the field before the message",
			err:  &models.Error{Code: models.Invalid, Field: "filter.minFee", Message: "must not be negative"},
			want: "filter.minFee: must not be negative",
		},
		{
			name: "an error without a field is just the message",
			err:  &models.Error{Code: models.NotFound, Message: "course not found"},
			want: "course not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInvalidField(t *testing.T) {
	tests := []struct {
		name   string
		field  string
		format string
		args   []any
		want   *models.Error
	}{
		{
			name:   "the error is Invalid and names the field",
			field:  "after",
			format: "is not a cursor from this list",
			want:   &models.Error{Code: models.Invalid, Field: "after", Message: "is not a cursor from this list"},
		},
		{
			name:   "the message is formatted with its arguments",
			field:  "first",
			format: "must be between 1 and %d",
			args:   []any{100},
			want:   &models.Error{Code: models.Invalid, Field: "first", Message: "must be between 1 and 100"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := models.InvalidField(tt.field, tt.format, tt.args...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("InvalidField (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorf(t *testing.T) {
	tests := []struct {
		name   string
		code   models.Code
		format string
		args   []any
		want   *models.Error
	}{
		{
			name:   "the error has the code, a formatted message and no field",
			code:   models.NotFound,
			format: "no course %q",
			args:   []any{"go-101"},
			want:   &models.Error{Code: models.NotFound, Message: `no course "go-101"`},
		},
		{
			name:   "a conflict keeps its code",
			code:   models.Conflict,
			format: "slug is taken",
			want:   &models.Error{Code: models.Conflict, Message: "slug is taken"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := models.Errorf(tt.code, tt.format, tt.args...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Errorf (-want +got):\n%s", diff)
			}
		})
	}
}
