// Package labs reads lab files: the model of a lab (its hosts, setup and
// steps), the YAML and plain-script loaders with their file:line:col errors,
// the validation that runs the commands through the command language
// (engine/cmdline), the built-in labs embedded from assets/, the
// translations a lab file carries of its own text (Lab.In reads a lab in
// a language), and lint for instructors.
//
// A lab is text: each step holds the command lines a person would type,
// parsed by cmdline.Parse but never executed here. Package labs never
// touches the kernel and imports nothing of engine but cmdline; a runner
// binds the parsed commands to the engine.
package labs
