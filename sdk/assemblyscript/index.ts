// Package entry: asc resolves `from "@edgerule/rule-sdk"` to this file.
export * from "./assembly/index";
