package sample

// Greet greets someone by name.
func Greet(name string) string {
	return "Hello, " + name + "!"
}

// Sum adds up its numbers.
func Sum(numbers ...int) int {
	total := 0
	for _, n := range numbers {
		total += n
	}
	return total
}
