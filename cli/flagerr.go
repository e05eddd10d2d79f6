package cli

import (
	"errors"
	"fmt"

	flag "github.com/spf13/pflag"
)

// flagProblem says in plain words what is wrong with a flag on the command
// line. pflag's own messages quote Go's parsers ("strconv.ParseFloat:
// parsing "abc": invalid syntax"); a user needs the flag, what it takes and
// what they typed.
func flagProblem(err error) error {
	var bad *flag.InvalidValueError
	var missing *flag.ValueRequiredError
	var unknown *flag.NotExistError
	switch {
	case errors.As(err, &bad):
		return fmt.Errorf("--%s takes %s, not %q", bad.GetFlag().Name, valueKind(bad), bad.GetValue())
	case errors.As(err, &missing):
		return fmt.Errorf("--%s needs a value (%s)", missing.GetFlag().Name, usageOf(missing.GetFlag()))
	case errors.As(err, &unknown) && unknown.GetSpecifiedShortnames() != "":
		return fmt.Errorf("unknown flag: -%s", unknown.GetSpecifiedName())
	}
	return err
}

// valueKind names what a flag of bad's type accepts.
func valueKind(bad *flag.InvalidValueError) string {
	switch bad.GetFlag().Value.Type() {
	case "float64", "float32":
		return "a number such as 1.5"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number such as 10"
	case "duration":
		return "a length of time such as 90s, 5m or 1h30m"
	case "bool":
		return "true or false (or nothing: --" + bad.GetFlag().Name + " alone means true)"
	}
	return "a different value (" + bad.GetFlag().Usage + ")"
}

// usageOf is a flag's help line, which says what its value is.
func usageOf(f *flag.Flag) string {
	if f.Usage == "" {
		return "see the command's help"
	}
	return f.Usage
}
