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
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return sign + strconv.FormatInt(int64(a/100), 10) + "." + pad2(int64(a%100))
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
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
	a := m.Amount
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	digits := strconv.FormatInt(int64(a/100), 10)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if a%100 != 0 {
		b.WriteString("." + pad2(int64(a%100)))
	}
	prefix, ok := currencySigns[m.Currency]
	if !ok {
		prefix = m.Currency + " "
	}
	return sign + prefix + b.String()
}
