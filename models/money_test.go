package models_test

import (
	"errors"
	"testing"

	"coursegraph/models"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    models.Amount
		wantErr bool
	}{
		{name: "a whole number is read in hundredths", in: "4500", want: 450000},
		{name: "one decimal place is tenths", in: "4500.5", want: 450050},
		{name: "two zero decimal places add nothing", in: "4500.00", want: 450000},
		{name: "two decimal places are read exactly", in: "12.34", want: 1234},
		{name: "a leading minus makes the amount negative", in: "-12.25", want: -1225},
		{name: "a negative amount below one is kept negative", in: "-0.05", want: -5},
		{name: "zero is zero", in: "0", want: 0},
		{name: "leading zeros are allowed", in: "007.5", want: 750},
		{name: "surrounding spaces are ignored", in: "  4500 ", want: 450000},
		{name: "fifteen whole digits are the most allowed", in: "999999999999999.99", want: 99999999999999999},
		{name: "the empty string is an error", in: "", wantErr: true},
		{name: "a lone minus is an error", in: "-", wantErr: true},
		{name: "a trailing dot is an error", in: "1.", wantErr: true},
		{name: "a leading dot is an error", in: ".5", wantErr: true},
		{name: "three decimal places are an error", in: "1.234", wantErr: true},
		{name: "letters are an error", in: "abc", wantErr: true},
		{name: "exponent notation is an error", in: "1e3", wantErr: true},
		{name: "a plus sign is an error", in: "+5", wantErr: true},
		{name: "a double minus is an error", in: "--5", wantErr: true},
		{name: "thousands separators are an error", in: "4,500", wantErr: true},
		{name: "two dots are an error", in: "1.2.3", wantErr: true},
		{name: "a minus in the fraction is an error", in: "1.-5", wantErr: true},
		{name: "a currency sign is an error", in: "৳4500", wantErr: true},
		{name: "sixteen whole digits are too long", in: "1234567890123456", wantErr: true},
		{name: "a number too long for int64 is an error", in: "99999999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := models.ParseAmount(tt.in)
			if tt.wantErr {
				if !errors.Is(err, models.ErrAmountSyntax) {
					t.Fatalf("ParseAmount(%q) = %d, %v; want ErrAmountSyntax", tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAmount(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseAmount(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestAmountString(t *testing.T) {
	tests := []struct {
		name string
		in   models.Amount
		want string
	}{
		{name: "a whole amount has two zero decimals", in: 450000, want: "4500.00"},
		{name: "tenths are padded to two places", in: 450050, want: "4500.50"},
		{name: "a single hundredth is padded with a zero", in: 5, want: "0.05"},
		{name: "a small negative amount keeps its sign and leading zero", in: -5, want: "-0.05"},
		{name: "a negative amount with a whole part is written with a minus", in: -1225, want: "-12.25"},
		{name: "zero is written with two decimals", in: 0, want: "0.00"},
		{name: "large amounts are not grouped", in: 123456789, want: "1234567.89"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("Amount(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
			}
		})
	}
}

func TestAmountStringRoundTripsThroughParseAmount(t *testing.T) {
	for _, in := range []string{"0.00", "4500.00", "4500.50", "-12.25", "-0.05", "999999999999999.99"} {
		t.Run(in+" survives a round trip", func(t *testing.T) {
			a, err := models.ParseAmount(in)
			if err != nil {
				t.Fatalf("ParseAmount(%q): %v", in, err)
			}
			if got := a.String(); got != in {
				t.Errorf("ParseAmount(%q).String() = %q, want %q", in, got, in)
			}
		})
	}
}

func TestMoneyFormatted(t *testing.T) {
	tests := []struct {
		name  string
		money models.Money
		want  string
	}{
		{name: "taka are written with the taka sign and no decimals when whole", money: models.Money{Amount: 450000, Currency: "BDT"}, want: "৳4,500"},
		{name: "five digits are grouped in thousands", money: models.Money{Amount: 1250000, Currency: "BDT"}, want: "৳12,500"},
		{name: "millions get two separators and keep their poisha", money: models.Money{Amount: 123456789, Currency: "BDT"}, want: "৳1,234,567.89"},
		{name: "three digits get no separator", money: models.Money{Amount: 99900, Currency: "BDT"}, want: "৳999"},
		{name: "exactly a thousand gets a separator", money: models.Money{Amount: 100000, Currency: "BDT"}, want: "৳1,000"},
		{name: "minor units are padded to two places", money: models.Money{Amount: 1250, Currency: "BDT"}, want: "৳12.50"},
		{name: "an amount below one keeps a zero whole part", money: models.Money{Amount: 5, Currency: "BDT"}, want: "৳0.05"},
		{name: "zero is written as a bare zero", money: models.Money{Amount: 0, Currency: "BDT"}, want: "৳0"},
		{name: "a negative amount puts the minus before the sign", money: models.Money{Amount: -450000, Currency: "BDT"}, want: "-৳4,500"},
		{name: "dollars are written with the dollar sign", money: models.Money{Amount: 1250, Currency: "USD"}, want: "$12.50"},
		{name: "euros are written with the euro sign", money: models.Money{Amount: 100000, Currency: "EUR"}, want: "€1,000"},
		{name: "pounds are written with the pound sign", money: models.Money{Amount: 100, Currency: "GBP"}, want: "£1"},
		{name: "rupees are written with the rupee sign", money: models.Money{Amount: 100, Currency: "INR"}, want: "₹1"},
		{name: "an unknown currency is written with its code and a space", money: models.Money{Amount: 1000, Currency: "XYZ"}, want: "XYZ 10"},
		{name: "an unknown currency keeps grouping and minor units", money: models.Money{Amount: 123456, Currency: "XYZ"}, want: "XYZ 1,234.56"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.money.Formatted(); got != tt.want {
				t.Errorf("%+v.Formatted() = %q, want %q", tt.money, got, tt.want)
			}
		})
	}
}

// TestFormattingMoneyMakesOnlyItsString: a catalogue formats every fee.
func TestFormattingMoneyMakesOnlyItsString(t *testing.T) {
	m := models.Money{Amount: 123456789, Currency: "BDT"}
	if n := testing.AllocsPerRun(100, func() { _ = m.Formatted() }); n != 1 {
		t.Errorf("Formatted: %v allocations; want 1", n)
	}
}
