package main

// examples are the example lines each command's help ends with; they run
// as written from the repository's root on the store that
// "go run ./cmd/coursemanagement seed" fills.
var examples = map[string][]string{
	"ls": {
		"opossum ls data/coursemanagement --type CourseCreated --limit 3",
		"opossum ls data/coursemanagement --tag courseId:c-1 --json",
	},
	"show": {
		"opossum show data/coursemanagement 1",
		"opossum show data/coursemanagement 1 --raw",
	},
	"query": {
		"opossum query data/coursemanagement '(CourseCreated|StudentEnrolledInCourse)[courseId:c-1]'",
		"opossum query data/coursemanagement --type StudentRegistered --last",
	},
	"tail": {
		"opossum tail data/coursemanagement -n 5",
		"opossum tail data/coursemanagement -f --type StudentEnrolledInCourse",
	},
	"stats": {
		"opossum stats data/coursemanagement",
		"opossum stats data/coursemanagement --values --json",
	},
	"check": {
		"opossum check data/coursemanagement",
	},
	"backup": {
		"opossum backup data/coursemanagement backups/cm",
		"opossum backup data/coursemanagement backups/cm.tar.gz",
		"opossum backup data/coursemanagement - > cm.tar.gz",
	},
	"add-tags": {
		"opossum add-tags data/coursemanagement --type CourseCreated --tag kind:course --dry-run",
	},
	"delete-store": {
		"opossum delete-store backups/cm",
	},
	"version": {
		"opossum --version",
	},
}

// commandNames returns the names of the commands, for suggestions.
func commandNames() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return names
}
