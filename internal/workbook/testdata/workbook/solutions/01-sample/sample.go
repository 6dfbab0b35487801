package sample

// Greet greets someone by name.
//
//workbook:todo step 1: say hello to name.
func Greet(name string) string {
	return "Hello, " + name + "!"
}

// Sum adds up its numbers.
func Sum(numbers ...int) int {
	if len(numbers) == 0 {
		return 0
	}
	//workbook:todo step 2: add up the numbers.
	total := 0
	for _, n := range numbers {
		total += n
	}
	return total
	//workbook:end
}
