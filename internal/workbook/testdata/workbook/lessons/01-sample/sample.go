package sample

// Greet greets someone by name.
func Greet(name string) string {
	// TODO: say hello to name.
	panic("TODO: implement Greet (lessons/01-sample/sample.go:6) — README step 1")
}

// Sum adds up its numbers.
func Sum(numbers ...int) int {
	if len(numbers) == 0 {
		return 0
	}
	// TODO: add up the numbers.
	panic("TODO: implement Sum (lessons/01-sample/sample.go:15) — README step 2")
}
