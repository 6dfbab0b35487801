package coursemanagement

import "net/http"

// serveOpenAPI serves OpenAPIDocument.
func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(OpenAPIDocument))
}

// OpenAPIDocument is the OpenAPI 3.1 description of the HTTP API, served
// at GET /openapi.json. It is written by hand, as a JSON document kept in
// this Go file (the workbook's solution folders hold Go files only); a
// spec checks that it describes exactly the routes the API serves.
const OpenAPIDocument = `{
 "openapi": "3.1.0",
 "info": {
  "title": "CourseManagement",
  "version": "1.0.0",
  "description": "The CourseManagement sample of the Opossum workbook: a Dynamic Consistency Boundary event store behind an HTTP API. Errors are RFC 9457 problem details. Read models are eventually consistent; send Opossum-Min-Position with the Opossum-Position of a write to read your writes."
 },
 "servers": [
  {
   "url": "http://localhost:8080"
  }
 ],
 "paths": {
  "/students": {
   "post": {
    "summary": "Register a student with a unique email",
    "tags": [
     "Students"
    ],
    "responses": {
     "201": {
      "description": "Registered.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Id"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "description": "Emails are compared trimmed and case-insensitively. A concurrent registration with the same email is a 409: registration does not retry.",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RegisterStudent"
       }
      }
     }
    }
   },
   "get": {
    "summary": "List students",
    "tags": [
     "Students"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StudentShortInfoPage"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "pageNumber",
      "in": "query",
      "required": false,
      "description": "Page, from 1 (default 1).",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "pageSize",
      "in": "query",
      "required": false,
      "description": "Page size (default 50, at most 100).",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "sortBy",
      "in": "query",
      "required": false,
      "description": "Sort field (default Name).",
      "schema": {
       "type": "string",
       "enum": [
        "Name",
        "EnrollmentTier",
        "EnrollmentCount"
       ]
      }
     },
     {
      "name": "sortOrder",
      "in": "query",
      "required": false,
      "description": "Ascending (default) or Descending.",
      "schema": {
       "type": "string",
       "enum": [
        "Ascending",
        "Descending"
       ]
      }
     },
     {
      "name": "tierFilter",
      "in": "query",
      "required": false,
      "description": "Only students on this tier.",
      "schema": {
       "type": "string",
       "enum": [
        "Basic",
        "Standard",
        "Professional",
        "Master"
       ]
      }
     },
     {
      "name": "isMaxedOut",
      "in": "query",
      "required": false,
      "description": "Only students at (or below) their limit.",
      "schema": {
       "type": "boolean"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/students/{id}": {
   "get": {
    "summary": "Get a student",
    "tags": [
     "Students"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StudentShortInfo"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Student with ID {id} not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/students/{id}/details": {
   "get": {
    "summary": "Get a student with courses",
    "tags": [
     "Students"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StudentDetails"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Student with ID {id} not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/students/{id}/purchased-books": {
   "get": {
    "summary": "Get a student's purchase history",
    "tags": [
     "Course books"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StudentPurchasedBooks"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "No purchase history found for student {id}.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/students/{id}/subscription": {
   "patch": {
    "summary": "Set a student's tier",
    "tags": [
     "Students"
    ],
    "responses": {
     "200": {
      "description": "Updated.",
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/UpdateSubscription"
       }
      }
     }
    }
   }
  },
  "/courses": {
   "post": {
    "summary": "Create a course",
    "tags": [
     "Courses"
    ],
    "responses": {
     "201": {
      "description": "Created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Id"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateCourse"
       }
      }
     }
    }
   },
   "get": {
    "summary": "List courses",
    "tags": [
     "Courses"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseShortInfoPage"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "pageNumber",
      "in": "query",
      "required": false,
      "description": "Page, from 1 (default 1).",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "pageSize",
      "in": "query",
      "required": false,
      "description": "Page size (default 50, at most 100).",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "sortBy",
      "in": "query",
      "required": false,
      "description": "Sort field (default Name).",
      "schema": {
       "type": "string",
       "enum": [
        "Name",
        "EnrollmentCount",
        "Capacity"
       ]
      }
     },
     {
      "name": "sortOrder",
      "in": "query",
      "required": false,
      "description": "Ascending (default) or Descending.",
      "schema": {
       "type": "string",
       "enum": [
        "Ascending",
        "Descending"
       ]
      }
     },
     {
      "name": "isFull",
      "in": "query",
      "required": false,
      "description": "Only full (or not full) courses.",
      "schema": {
       "type": "boolean"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/courses/{id}": {
   "get": {
    "summary": "Get a course",
    "tags": [
     "Courses"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseShortInfo"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Course with ID {id} not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/courses/{id}/details": {
   "get": {
    "summary": "Get a course with students",
    "tags": [
     "Courses"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseDetails"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Course with ID {id} not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/courses/{id}/book-buyers": {
   "get": {
    "summary": "Get who bought the course's books",
    "tags": [
     "Course books"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseBuyers"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "No course buyers data found for course {id}.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/courses/{id}/student-limit": {
   "patch": {
    "summary": "Change a course's capacity",
    "tags": [
     "Courses"
    ],
    "responses": {
     "200": {
      "description": "Changed (or unchanged: the same limit appends nothing).",
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ModifyStudentLimit"
       }
      }
     }
    }
   }
  },
  "/courses/{id}/enrollments": {
   "post": {
    "summary": "Enroll a student in a course",
    "tags": [
     "Courses"
    ],
    "responses": {
     "201": {
      "description": "Enrolled.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Enrollment"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "description": "Checks, in order: the course exists, the student is registered, not enrolled yet, a seat is free, the student is below the tier's limit. A lost race is decided again; a loser usually hears that the course is full.",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Enroll"
       }
      }
     }
    }
   }
  },
  "/invoices": {
   "post": {
    "summary": "Create an invoice with the next gap-free number",
    "tags": [
     "Invoices"
    ],
    "responses": {
     "201": {
      "description": "Created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/InvoiceNumber"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateInvoice"
       }
      }
     }
    }
   },
   "get": {
    "summary": "List invoices",
    "tags": [
     "Invoices"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/InvoicePage"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "pageNumber",
      "in": "query",
      "required": false,
      "description": "Page, from 1 (default 1).",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "pageSize",
      "in": "query",
      "required": false,
      "description": "Page size (default 50, at most 100).",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "sortBy",
      "in": "query",
      "required": false,
      "description": "Sort field (default InvoiceNumber).",
      "schema": {
       "type": "string",
       "enum": [
        "InvoiceNumber",
        "Amount",
        "IssuedAt"
       ]
      }
     },
     {
      "name": "sortOrder",
      "in": "query",
      "required": false,
      "description": "Ascending (default) or Descending.",
      "schema": {
       "type": "string",
       "enum": [
        "Ascending",
        "Descending"
       ]
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/invoices/{number}": {
   "get": {
    "summary": "Get an invoice",
    "tags": [
     "Invoices"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Invoice"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Invoice {number} not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "number",
      "in": "path",
      "required": true,
      "description": "Invoice number.",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/courses/{id}/announcements": {
   "post": {
    "summary": "Post an announcement, once per idempotency token",
    "tags": [
     "Announcements"
    ],
    "responses": {
     "201": {
      "description": "Posted.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AnnouncementId"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PostAnnouncement"
       }
      }
     }
    }
   }
  },
  "/courses/{id}/announcements/{token}/retract": {
   "post": {
    "summary": "Retract the announcement posted with the token",
    "tags": [
     "Announcements"
    ],
    "responses": {
     "200": {
      "description": "Retracted; the token may be used again.",
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "token",
      "in": "path",
      "required": true,
      "description": "Idempotency token of the post.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ]
   }
  },
  "/exams/{examId}/registration-tokens": {
   "post": {
    "summary": "Issue an exam registration token",
    "tags": [
     "Exam tokens"
    ],
    "responses": {
     "201": {
      "description": "Issued.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TokenId"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "examId",
      "in": "path",
      "required": true,
      "description": "Exam.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/IssueToken"
       }
      }
     }
    }
   }
  },
  "/exams/registration-tokens/{tokenId}/redeem": {
   "post": {
    "summary": "Redeem a token for a student",
    "tags": [
     "Exam tokens"
    ],
    "responses": {
     "200": {
      "description": "Redeemed.",
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "tokenId",
      "in": "path",
      "required": true,
      "description": "Token.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RedeemToken"
       }
      }
     }
    }
   }
  },
  "/exams/registration-tokens/{tokenId}": {
   "delete": {
    "summary": "Revoke a token",
    "tags": [
     "Exam tokens"
    ],
    "responses": {
     "200": {
      "description": "Revoked.",
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "tokenId",
      "in": "path",
      "required": true,
      "description": "Token.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ]
   }
  },
  "/course-books": {
   "post": {
    "summary": "Define a book for a course",
    "tags": [
     "Course books"
    ],
    "responses": {
     "201": {
      "description": "Defined.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Id"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DefineBook"
       }
      }
     }
    }
   },
   "get": {
    "summary": "List the book catalog",
    "tags": [
     "Course books"
    ],
    "responses": {
     "200": {
      "description": "The read model.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseBookPage"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The read model did not reach Opossum-Min-Position in time.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "pageNumber",
      "in": "query",
      "required": false,
      "description": "Page, from 1 (default 1).",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "pageSize",
      "in": "query",
      "required": false,
      "description": "Page size (default 50, at most 100).",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "sortBy",
      "in": "query",
      "required": false,
      "description": "Sort field (default Title).",
      "schema": {
       "type": "string",
       "enum": [
        "Title",
        "Author",
        "Price"
       ]
      }
     },
     {
      "name": "sortOrder",
      "in": "query",
      "required": false,
      "description": "Ascending (default) or Descending.",
      "schema": {
       "type": "string",
       "enum": [
        "Ascending",
        "Descending"
       ]
      }
     },
     {
      "name": "Opossum-Min-Position",
      "in": "header",
      "required": false,
      "description": "Wait until the read model reflects this event position (read-your-writes).",
      "schema": {
       "type": "integer"
      }
     }
    ]
   }
  },
  "/course-books/{id}/price": {
   "patch": {
    "summary": "Change a book's price",
    "tags": [
     "Course books"
    ],
    "responses": {
     "200": {
      "description": "Changed.",
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ChangePrice"
       }
      }
     }
    }
   }
  },
  "/course-books/{id}/purchase": {
   "post": {
    "summary": "Buy a book at the displayed price",
    "tags": [
     "Course books"
    ],
    "responses": {
     "201": {
      "description": "Bought.",
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "description": "The displayed price must be the current price, or the previous one within 30 minutes of a price change.",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Purchase"
       }
      }
     }
    }
   }
  },
  "/course-books/order": {
   "post": {
    "summary": "Order several books, all or nothing",
    "tags": [
     "Course books"
    ],
    "responses": {
     "201": {
      "description": "Ordered.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OrderId"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "description": "A price change of any book of the order while it is decided makes it decide again. An order spanning several courses is recorded as one event per course, appended atomically.",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Order"
       }
      }
     }
    }
   }
  },
  "/courses/aggregate": {
   "post": {
    "summary": "Create a course (aggregate variant)",
    "tags": [
     "Aggregate variant"
    ],
    "responses": {
     "201": {
      "description": "Created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Id"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/AggregateCreateCourse"
       }
      }
     }
    }
   }
  },
  "/courses/aggregate/{id}/capacity": {
   "patch": {
    "summary": "Change a course's capacity (aggregate variant)",
    "tags": [
     "Aggregate variant"
    ],
    "responses": {
     "200": {
      "description": "Changed.",
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/AggregateCapacity"
       }
      }
     }
    }
   }
  },
  "/courses/aggregate/{id}/subscriptions": {
   "post": {
    "summary": "Enroll a student (aggregate variant)",
    "tags": [
     "Aggregate variant"
    ],
    "responses": {
     "201": {
      "description": "Enrolled.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Enrollment"
        }
       }
      },
      "headers": {
       "Opossum-Position": {
        "description": "Position of the last event the request appended.",
        "schema": {
         "type": "integer"
        }
       },
       "Location": {
        "description": "Where the new resource can be read.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "A concurrent write changed what the decision was based on, and no retry helped.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "description": "Loads the course and the student as aggregates: any event tagged with either, of any type, is inside the boundary.",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Identifier.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Enroll"
       }
      }
     }
    }
   }
  },
  "/admin/projections/rebuild": {
   "post": {
    "summary": "Rebuild read models",
    "tags": [
     "Admin"
    ],
    "responses": {
     "200": {
      "description": "Every rebuild succeeded.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RebuildResult"
        }
       }
      }
     },
     "400": {
      "description": "A broken rule or an invalid request; the detail is the message.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "500": {
      "description": "A rebuild failed; the detail names the read models and their errors.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "forceAll",
      "in": "query",
      "required": false,
      "description": "Rebuild every read model (true), or only failed and never-built ones (false, the default).",
      "schema": {
       "type": "boolean"
      }
     }
    ]
   }
  },
  "/admin/projections/{name}/rebuild": {
   "post": {
    "summary": "Rebuild one read model",
    "tags": [
     "Admin"
    ],
    "responses": {
     "200": {
      "description": "Rebuilt.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RebuiltProjection"
        }
       }
      }
     },
     "404": {
      "description": "Not found.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "500": {
      "description": "Unexpected failure.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Read model name.",
      "schema": {
       "type": "string"
      }
     }
    ]
   }
  },
  "/admin/projections/status": {
   "get": {
    "summary": "Read model status",
    "tags": [
     "Admin"
    ],
    "responses": {
     "200": {
      "description": "Status.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StatusReport"
        }
       }
      }
     }
    }
   }
  },
  "/admin/projections/checkpoints": {
   "get": {
    "summary": "Read model checkpoints",
    "tags": [
     "Admin"
    ],
    "responses": {
     "200": {
      "description": "Checkpoints.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Checkpoints"
        }
       }
      }
     }
    }
   }
  },
  "/admin/store": {
   "delete": {
    "summary": "Delete every event and read model",
    "tags": [
     "Admin"
    ],
    "responses": {
     "204": {
      "description": "Deleted (also when the store was empty)."
     },
     "400": {
      "description": "Confirmation required: pass ?confirm=true.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "confirm",
      "in": "query",
      "required": false,
      "description": "Must be true.",
      "schema": {
       "type": "boolean"
      }
     }
    ]
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This description",
    "tags": [
     "Meta"
    ],
    "responses": {
     "200": {
      "description": "OpenAPI 3.1 description.",
      "content": {
       "application/json": {}
      }
     }
    }
   }
  }
 },
 "components": {
  "schemas": {
   "Problem": {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
     "type": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "status": {
      "type": "integer"
     },
     "detail": {
      "type": "string"
     },
     "instance": {
      "type": "string"
     }
    }
   },
   "Id": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false
   },
   "RegisterStudent": {
    "type": "object",
    "properties": {
     "firstName": {
      "type": "string"
     },
     "lastName": {
      "type": "string"
     },
     "email": {
      "type": "string",
      "format": "email"
     }
    },
    "additionalProperties": false,
    "required": [
     "email"
    ]
   },
   "UpdateSubscription": {
    "type": "object",
    "properties": {
     "enrollmentTier": {
      "type": "string",
      "enum": [
       "Basic",
       "Standard",
       "Professional",
       "Master"
      ]
     }
    },
    "additionalProperties": false,
    "required": [
     "enrollmentTier"
    ]
   },
   "CreateCourse": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "maxStudentCount": {
      "type": "integer",
      "minimum": 1
     }
    },
    "additionalProperties": false,
    "required": [
     "name",
     "maxStudentCount"
    ]
   },
   "ModifyStudentLimit": {
    "type": "object",
    "properties": {
     "newMaxStudentCount": {
      "type": "integer",
      "minimum": 1
     }
    },
    "additionalProperties": false,
    "required": [
     "newMaxStudentCount"
    ]
   },
   "Enroll": {
    "type": "object",
    "properties": {
     "studentId": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false,
    "required": [
     "studentId"
    ]
   },
   "Enrollment": {
    "type": "object",
    "properties": {
     "courseId": {
      "type": "string",
      "format": "uuid"
     },
     "studentId": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false
   },
   "CreateInvoice": {
    "type": "object",
    "properties": {
     "customerId": {
      "type": "string",
      "format": "uuid"
     },
     "amount": {
      "type": "number",
      "multipleOf": 0.01,
      "description": "An amount with at most two decimals."
     }
    },
    "additionalProperties": false,
    "required": [
     "customerId",
     "amount"
    ]
   },
   "InvoiceNumber": {
    "type": "object",
    "properties": {
     "invoiceNumber": {
      "type": "integer"
     }
    },
    "additionalProperties": false
   },
   "PostAnnouncement": {
    "type": "object",
    "properties": {
     "title": {
      "type": "string"
     },
     "body": {
      "type": "string"
     },
     "idempotencyToken": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false,
    "required": [
     "idempotencyToken"
    ]
   },
   "AnnouncementId": {
    "type": "object",
    "properties": {
     "announcementId": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false
   },
   "IssueToken": {
    "type": "object",
    "properties": {
     "courseId": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false,
    "required": [
     "courseId"
    ]
   },
   "TokenId": {
    "type": "object",
    "properties": {
     "tokenId": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false
   },
   "RedeemToken": {
    "type": "object",
    "properties": {
     "studentId": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false,
    "required": [
     "studentId"
    ]
   },
   "DefineBook": {
    "type": "object",
    "properties": {
     "title": {
      "type": "string"
     },
     "author": {
      "type": "string"
     },
     "isbn": {
      "type": "string"
     },
     "price": {
      "type": "number",
      "multipleOf": 0.01,
      "description": "An amount with at most two decimals."
     },
     "courseId": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false,
    "required": [
     "price",
     "courseId"
    ]
   },
   "ChangePrice": {
    "type": "object",
    "properties": {
     "newPrice": {
      "type": "number",
      "multipleOf": 0.01,
      "description": "An amount with at most two decimals."
     }
    },
    "additionalProperties": false,
    "required": [
     "newPrice"
    ]
   },
   "Purchase": {
    "type": "object",
    "properties": {
     "studentId": {
      "type": "string",
      "format": "uuid"
     },
     "displayedPrice": {
      "type": "number",
      "multipleOf": 0.01,
      "description": "An amount with at most two decimals."
     }
    },
    "additionalProperties": false,
    "required": [
     "studentId",
     "displayedPrice"
    ]
   },
   "Order": {
    "type": "object",
    "properties": {
     "studentId": {
      "type": "string",
      "format": "uuid"
     },
     "items": {
      "type": "array",
      "minItems": 1,
      "items": {
       "type": "object",
       "properties": {
        "bookId": {
         "type": "string",
         "format": "uuid"
        },
        "displayedPrice": {
         "type": "number",
         "multipleOf": 0.01,
         "description": "An amount with at most two decimals."
        }
       },
       "additionalProperties": false,
       "required": [
        "bookId",
        "displayedPrice"
       ]
      }
     }
    },
    "additionalProperties": false,
    "required": [
     "studentId",
     "items"
    ]
   },
   "OrderId": {
    "type": "object",
    "properties": {
     "orderId": {
      "type": "string",
      "format": "uuid"
     }
    },
    "additionalProperties": false
   },
   "AggregateCreateCourse": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "maxStudents": {
      "type": "integer",
      "minimum": 1
     }
    },
    "additionalProperties": false,
    "required": [
     "name",
     "maxStudents"
    ]
   },
   "AggregateCapacity": {
    "type": "object",
    "properties": {
     "newCapacity": {
      "type": "integer",
      "minimum": 1
     }
    },
    "additionalProperties": false,
    "required": [
     "newCapacity"
    ]
   },
   "StudentShortInfo": {
    "type": "object",
    "properties": {
     "studentId": {
      "type": "string",
      "format": "uuid"
     },
     "firstName": {
      "type": "string"
     },
     "lastName": {
      "type": "string"
     },
     "email": {
      "type": "string"
     },
     "enrollmentTier": {
      "type": "string",
      "enum": [
       "Basic",
       "Standard",
       "Professional",
       "Master"
      ]
     },
     "currentEnrollmentCount": {
      "type": "integer"
     },
     "maxEnrollmentCount": {
      "type": "integer"
     },
     "isMaxedOut": {
      "type": "boolean"
     }
    },
    "additionalProperties": false
   },
   "StudentDetails": {
    "allOf": [
     {
      "$ref": "#/components/schemas/StudentShortInfo"
     },
     {
      "type": "object",
      "properties": {
       "enrolledCourses": {
        "type": "array",
        "items": {
         "type": "object",
         "properties": {
          "courseId": {
           "type": "string",
           "format": "uuid"
          },
          "name": {
           "type": "string"
          }
         },
         "additionalProperties": false
        }
       }
      }
     }
    ]
   },
   "CourseShortInfo": {
    "type": "object",
    "properties": {
     "courseId": {
      "type": "string",
      "format": "uuid"
     },
     "name": {
      "type": "string"
     },
     "maxStudentCount": {
      "type": "integer"
     },
     "currentEnrollmentCount": {
      "type": "integer"
     },
     "isFull": {
      "type": "boolean"
     }
    },
    "additionalProperties": false
   },
   "CourseDetails": {
    "type": "object",
    "properties": {
     "courseId": {
      "type": "string",
      "format": "uuid"
     },
     "name": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "maxStudentCount": {
      "type": "integer"
     },
     "currentEnrollmentCount": {
      "type": "integer"
     },
     "isFull": {
      "type": "boolean"
     },
     "enrolledStudents": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "studentId": {
         "type": "string",
         "format": "uuid"
        },
        "firstName": {
         "type": "string"
        },
        "lastName": {
         "type": "string"
        },
        "email": {
         "type": "string"
        },
        "enrolledAt": {
         "type": "string",
         "format": "date-time"
        }
       },
       "additionalProperties": false
      }
     }
    },
    "additionalProperties": false
   },
   "CourseBuyers": {
    "type": "object",
    "properties": {
     "courseId": {
      "type": "string",
      "format": "uuid"
     },
     "courseName": {
      "type": "string"
     },
     "bookIds": {
      "type": "array",
      "items": {
       "type": "string",
       "format": "uuid"
      }
     },
     "buyers": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "studentId": {
         "type": "string",
         "format": "uuid"
        },
        "bookId": {
         "type": "string",
         "format": "uuid"
        },
        "pricePaid": {
         "type": "number",
         "multipleOf": 0.01,
         "description": "An amount with at most two decimals."
        },
        "purchasedAt": {
         "type": "string",
         "format": "date-time"
        }
       },
       "additionalProperties": false
      }
     }
    },
    "additionalProperties": false
   },
   "StudentPurchasedBooks": {
    "type": "object",
    "properties": {
     "studentId": {
      "type": "string",
      "format": "uuid"
     },
     "books": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "bookId": {
         "type": "string",
         "format": "uuid"
        },
        "totalPaid": {
         "type": "number",
         "multipleOf": 0.01,
         "description": "An amount with at most two decimals."
        },
        "purchaseCount": {
         "type": "integer"
        },
        "firstPurchasedAt": {
         "type": "string",
         "format": "date-time"
        },
        "lastPurchasedAt": {
         "type": "string",
         "format": "date-time"
        }
       },
       "additionalProperties": false
      }
     }
    },
    "additionalProperties": false
   },
   "CourseBook": {
    "type": "object",
    "properties": {
     "bookId": {
      "type": "string",
      "format": "uuid"
     },
     "title": {
      "type": "string"
     },
     "author": {
      "type": "string"
     },
     "isbn": {
      "type": "string"
     },
     "courseId": {
      "type": "string",
      "format": "uuid"
     },
     "currentPrice": {
      "type": "number",
      "multipleOf": 0.01,
      "description": "An amount with at most two decimals."
     }
    },
    "additionalProperties": false
   },
   "Invoice": {
    "type": "object",
    "properties": {
     "invoiceNumber": {
      "type": "integer"
     },
     "customerId": {
      "type": "string",
      "format": "uuid"
     },
     "amount": {
      "type": "number",
      "multipleOf": 0.01,
      "description": "An amount with at most two decimals."
     },
     "issuedAt": {
      "type": "string",
      "format": "date-time"
     }
    },
    "additionalProperties": false
   },
   "RebuildResult": {
    "type": "object",
    "properties": {
     "success": {
      "type": "boolean"
     },
     "totalRebuilt": {
      "type": "integer"
     },
     "duration": {
      "type": "string"
     },
     "details": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "projectionName": {
         "type": "string"
        },
        "success": {
         "type": "boolean"
        },
        "duration": {
         "type": "string"
        },
        "eventsProcessed": {
         "type": "integer"
        },
        "error": {
         "type": "string"
        }
       },
       "additionalProperties": false
      }
     },
     "failedProjections": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    },
    "additionalProperties": false
   },
   "RebuiltProjection": {
    "type": "object",
    "properties": {
     "projectionName": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "const": "Rebuilt"
     },
     "duration": {
      "type": "string"
     },
     "eventsProcessed": {
      "type": "integer"
     }
    },
    "additionalProperties": false
   },
   "StatusReport": {
    "type": "object",
    "properties": {
     "isRebuilding": {
      "type": "boolean"
     },
     "inProgressProjections": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "queuedProjections": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "startedAt": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "projections": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "name": {
         "type": "string"
        },
        "version": {
         "type": "integer"
        },
        "state": {
         "type": "string",
         "enum": [
          "stopped",
          "starting",
          "queued",
          "rebuilding",
          "live",
          "failed"
         ]
        },
        "position": {
         "type": "integer"
        },
        "generation": {
         "type": "string"
        },
        "rebuilds": {
         "type": "integer"
        },
        "error": {
         "type": "string"
        }
       },
       "additionalProperties": false
      }
     }
    },
    "additionalProperties": false
   },
   "Checkpoints": {
    "type": "object",
    "additionalProperties": {
     "type": "integer"
    },
    "description": "Each read model's checkpoint: the last event position it reflects (0: nothing yet)."
   },
   "StudentShortInfoPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/StudentShortInfo"
      }
     },
     "totalCount": {
      "type": "integer"
     },
     "pageNumber": {
      "type": "integer"
     },
     "pageSize": {
      "type": "integer"
     },
     "totalPages": {
      "type": "integer"
     },
     "hasPreviousPage": {
      "type": "boolean"
     },
     "hasNextPage": {
      "type": "boolean"
     }
    },
    "additionalProperties": false
   },
   "CourseShortInfoPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/CourseShortInfo"
      }
     },
     "totalCount": {
      "type": "integer"
     },
     "pageNumber": {
      "type": "integer"
     },
     "pageSize": {
      "type": "integer"
     },
     "totalPages": {
      "type": "integer"
     },
     "hasPreviousPage": {
      "type": "boolean"
     },
     "hasNextPage": {
      "type": "boolean"
     }
    },
    "additionalProperties": false
   },
   "CourseBookPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/CourseBook"
      }
     },
     "totalCount": {
      "type": "integer"
     },
     "pageNumber": {
      "type": "integer"
     },
     "pageSize": {
      "type": "integer"
     },
     "totalPages": {
      "type": "integer"
     },
     "hasPreviousPage": {
      "type": "boolean"
     },
     "hasNextPage": {
      "type": "boolean"
     }
    },
    "additionalProperties": false
   },
   "InvoicePage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Invoice"
      }
     },
     "totalCount": {
      "type": "integer"
     },
     "pageNumber": {
      "type": "integer"
     },
     "pageSize": {
      "type": "integer"
     },
     "totalPages": {
      "type": "integer"
     },
     "hasPreviousPage": {
      "type": "boolean"
     },
     "hasNextPage": {
      "type": "boolean"
     }
    },
    "additionalProperties": false
   }
  }
 }
}
`
