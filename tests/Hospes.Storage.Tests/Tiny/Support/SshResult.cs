namespace Hospes.Storage.Tests.Tiny.Support;

internal sealed record SshResult(int ExitCode, string Stdout, string Stderr);
