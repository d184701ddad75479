import { runCli } from "./lib/cli";
import { labCreateCommand, labCreateUsage } from "./lib/lab-create-command";

await runCli(labCreateUsage, () => labCreateCommand(process.argv.slice(2)));
