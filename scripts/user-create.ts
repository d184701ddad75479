import { runCli } from "./lib/cli";
import { userCreateCommand, userCreateUsage } from "./lib/user-create-command";

await runCli(userCreateUsage, () => userCreateCommand(process.argv.slice(2)));
