package models_test

import (
	"encoding/base64"
	"testing"

	"github.com/google/go-cmp/cmp"

	"coursegraph/models"
)

func TestNewPageArgs(t *testing.T) {
	const order = "TITLE_ASC"
	valid := models.Cursor{Order: order, Key: "Go for beginners", ID: 42}
	tests := []struct {
		name  string
		first *int
		after *string
		want  models.PageArgs
	}{
		{
			name: "no arguments give the default page size and no cursor",
			want: models.PageArgs{First: 20},
		},
		{
			name:  "first 1 is the smallest page",
			first: ptr(1),
			want:  models.PageArgs{First: 1},
		},
		{
			name:  "first 100 is the largest page",
			first: ptr(100),
			want:  models.PageArgs{First: 100},
		},
		{
			name:  "an encoded cursor round-trips into After",
			first: ptr(5),
			after: ptr(valid.Encode()),
			want:  models.PageArgs{First: 5, After: &valid},
		},
		{
			name:  "a cursor without a key round-trips",
			after: ptr(models.Cursor{Order: order, ID: 7}.Encode()),
			want:  models.PageArgs{First: 20, After: &models.Cursor{Order: order, ID: 7}},
		},
		{
			name:  "a cursor whose key has non-ASCII text round-trips",
			after: ptr(models.Cursor{Order: order, Key: "বাংলা ১০১", ID: 9}.Encode()),
			want:  models.PageArgs{First: 20, After: &models.Cursor{Order: order, Key: "বাংলা ১০১", ID: 9}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := models.NewPageArgs(tt.first, tt.after, order)
			if err != nil {
				t.Fatalf("NewPageArgs: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NewPageArgs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewPageArgsRejects(t *testing.T) {
	const order = "TITLE_ASC"
	rawJSON := func(s string) *string {
		enc := base64.RawURLEncoding.EncodeToString([]byte(s))
		return &enc
	}
	tests := []struct {
		name      string
		first     *int
		after     *string
		wantField string
	}{
		{name: "first 0 is rejected", first: ptr(0), wantField: "first"},
		{name: "a negative first is rejected", first: ptr(-1), wantField: "first"},
		{name: "first 101 is rejected", first: ptr(101), wantField: "first"},
		{name: "a garbage cursor is rejected", after: ptr("!!not-a-cursor!!"), wantField: "after"},
		{name: "an empty cursor is rejected", after: ptr(""), wantField: "after"},
		{name: "base64 that is not JSON is rejected", after: rawJSON("hello"), wantField: "after"},
		{name: "a cursor with id 0 is rejected", after: ptr(models.Cursor{Order: order, Key: "x"}.Encode()), wantField: "after"},
		{name: "a cursor with a negative id is rejected", after: rawJSON(`{"o":"TITLE_ASC","i":-1}`), wantField: "after"},
		{name: "a JSON null cursor is rejected", after: rawJSON("null"), wantField: "after"},
		{name: "a cursor from another order is rejected", after: ptr(models.Cursor{Order: "FEE_DESC", Key: "4500", ID: 3}.Encode()), wantField: "after"},
		{name: "a cursor with no order is rejected", after: ptr(models.Cursor{ID: 3}.Encode()), wantField: "after"},
		{name: "a bad first is reported before a bad cursor", first: ptr(0), after: ptr("garbage"), wantField: "first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := models.NewPageArgs(tt.first, tt.after, order)
			checkInvalidField(t, err, tt.wantField)
		})
	}
}

func TestCursorEncode(t *testing.T) {
	tests := []struct {
		name   string
		cursor models.Cursor
	}{
		{name: "a cursor encodes to URL-safe text", cursor: models.Cursor{Order: "TITLE_ASC", Key: "a/b+c?d=e", ID: 1}},
		{name: "a cursor with a big id encodes to URL-safe text", cursor: models.Cursor{Order: "CREATED_DESC", Key: "2026-12-04T00:00:00Z", ID: 1 << 40}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := tt.cursor.Encode()
			if enc == "" {
				t.Fatal("Encode() is empty")
			}
			for _, r := range enc {
				ok := r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
				if !ok {
					t.Fatalf("Encode() = %q has %q, which is not URL-safe", enc, r)
				}
			}
			if other := (models.Cursor{Order: tt.cursor.Order, Key: tt.cursor.Key, ID: tt.cursor.ID + 1}).Encode(); other == enc {
				t.Errorf("cursors with different ids both encode to %q", enc)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
