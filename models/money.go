package models

import (
	"errors"
	"strconv"
	"strings"
)

// Amount is a sum of money in minor units (hundredths: poisha for BDT, cents for
// USD). Integers keep money exact on every engine.
type Amount int64

// ErrAmountSyntax is returned by ParseAmount for text that is not a decimal number
// with at most two decimal places.
var ErrAmountSyntax = errors.New("must be a decimal number with at most two decimal places, such as \"4500.00\"")

// ParseAmount reads a decimal such as "4500", "4500.5" or "-12.25".
func ParseAmount(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasDot && frac == "") || !allDigits(whole) || !allDigits(frac) || len(whole) > 15 {
		return 0, ErrAmountSyntax
	}
	units, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrAmountSyntax
	}
	frac += strings.Repeat("0", 2-len(frac))
	cents, _ := strconv.ParseInt(frac, 10, 64)
	a := Amount(units*100 + cents)
	if neg {
		a = -a
	}
	return a, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String writes the amount with two decimal places, as "4500.00".
func (a Amount) String() string {
	b, _ := a.AppendText(make([]byte, 0, 24))
	return string(b)
}

// AppendText appends the amount as String writes it, so that the API can write
// it without making a string first.
func (a Amount) AppendText(b []byte) ([]byte, error) {
	u := uint64(a)
	if a < 0 {
		b, u = append(b, '-'), uint64(-a) // -MinInt64 converts to its magnitude
	}
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10)), nil
}

// Money is an amount in a currency.
type Money struct {
	Amount   Amount
	Currency string
}

// currencySigns are the signs written before amounts; other currencies are written
// with their code.
var currencySigns = map[string]string{"BDT": "৳", "USD": "$", "EUR": "€", "GBP": "£", "INR": "₹"}

// Formatted writes the money for people: the currency sign, the whole part grouped
// in thousands, and the minor units only when there are any ("৳4,500", "৳12.50").
func (m Money) Formatted() string {
	var buf [48]byte // on the stack: the string is the one allocation
	b, u := buf[:0], uint64(m.Amount)
	if m.Amount < 0 {
		b, u = append(b, '-'), uint64(-m.Amount)
	}
	if prefix, ok := currencySigns[m.Currency]; ok {
		b = append(b, prefix...)
	} else {
		b = append(append(b, m.Currency...), ' ')
	}
	var whole [20]byte
	digits := strconv.AppendUint(whole[:0], u/100, 10)
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, d)
	}
	if u%100 != 0 {
		b = append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
	}
	return string(b)
}
