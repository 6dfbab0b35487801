package sample

import "github.com/opossum-go/opossum/specs/todo"

// Greet greets someone by name.
func Greet(name string) string {
	todo.Implement("README step 1")
	return ""
}

// Sum adds up its numbers.
func Sum(numbers ...int) int {
	todo.Implement("README step 2")
	return 0
}
