// Validates an OpenAPI document (a file) against the official JSON schema of
// its version; prints "valid 3.1" or the errors and exits 1.
import { Validator } from "@seriousme/openapi-schema-validator";
import { readFileSync } from "node:fs";

const validator = new Validator();
const doc = JSON.parse(readFileSync(process.argv[2], "utf8"));
const result = await validator.validate(doc);
if (!result.valid) {
	console.log(JSON.stringify(result.errors, null, 1).slice(0, 4000));
	process.exit(1);
}
console.log("valid", validator.version);
