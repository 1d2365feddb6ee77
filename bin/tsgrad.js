#!/usr/bin/env node
// The `tsgrad` command: a thin launcher over the compiled CLI.
import "../dist/cli.js";
