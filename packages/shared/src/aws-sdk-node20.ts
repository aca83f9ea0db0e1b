// The one place the AWS SDK's Node 20 notice is silenced: every CLI's bin imports this module
// first, and the vitest configs load it as a setup file.
// Under Node 20 the SDK prints on every start that its versions "published after the first
// week of January 2027 will require node >=22". That is about future releases: the version
// pinned in pnpm-lock.yaml supports Node 20. Moving the pin past early January 2027 means
// moving to Node 22 first (README, "Node versions"); then this notice no longer appears.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
