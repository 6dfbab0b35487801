package courseapp

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in cents. Prices and invoice amounts are exact
// decimals with two places; a float would turn 0.1 + 0.2 into
// 0.30000000000000004 and make "is this the displayed price?" a rounding
// question.
//
// In JSON, Money is a number with two decimals (19.99). Decoding accepts a
// JSON number with at most two decimals and no exponent. String formats it
// the same way, without a currency symbol or a locale: the error messages
// of the domain quote prices in this one fixed format.
type Money int64

// String formats m with two decimals: "19.99", "20.00", "-0.50".
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// ParseMoney parses a decimal amount with at most two decimals ("19.99",
// "20", "20.5", "-3.10").
func ParseMoney(s string) (Money, error) {
	bad := fmt.Errorf("%q is not an amount with at most two decimals", s)
	t := s
	neg := strings.HasPrefix(t, "-")
	if neg {
		t = t[1:]
	}
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" || (dot && (frac == "" || len(frac) > 2)) || !digits(whole) || !digits(frac) {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, bad
	}
	if neg {
		n = -n
	}
	return Money(n), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MarshalJSON writes m as a JSON number with two decimals.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a JSON number with at most two decimals.
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney(string(b))
	if err != nil {
		return fmt.Errorf("money: %w", err)
	}
	*m = v
	return nil
}
