// Package courseapp is the CourseManagement application around the domain
// of lesson 05 of the workbook: the commands and the errors of the domain,
// tiers, money and ids, the read-model states, the command handler that
// appends each decision through decision.Execute, the read models' runner
// and queries, and the HTTP API with its OpenAPI description.
//
// The domain itself (events, decision projections, decide functions,
// read-model folds) is the lesson's package, which a learner writes, and
// its solution. Either one hands its code to the application as a Domain
// value, so Open runs the same application on the learner's code or on
// the solution's:
//
//	app, err := courseapp.Open(dir, coursemanagement.Domain(), nil)
//
// cmd/coursemanagement runs it on the solution.
//
// The HTTP API (App.Handler) is described by OpenAPIDocument, served at
// GET /openapi.json and, rendered as a page for people, at GET /. Every
// error is an RFC 9457 problem; a broken rule has its own ProblemType,
// with the status RFC 9110 gives it. GET /healthz says whether the store
// answers and the read models are caught up.
package courseapp
