namespace Hospes.Qemu.Qga;

/// <summary>guest-info: the agent's version and the commands it has enabled.</summary>
public sealed record QgaAgentInfo(string Version, IReadOnlyList<string> EnabledCommands);

/// <summary>guest-get-osinfo (every field optional in the protocol: a guest without /etc/os-release leaves the names out).</summary>
public sealed record QgaOsInfo
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? PrettyName { get; init; }
    public string? Version { get; init; }
    public string? KernelRelease { get; init; }
    public string? KernelVersion { get; init; }
    public string? Machine { get; init; }
}

/// <summary>One interface of guest-network-get-interfaces.</summary>
public sealed record QgaInterface(string Name, string? HardwareAddress, IReadOnlyList<QgaAddress> Addresses);

/// <summary>An address of an interface: "ipv4" or "ipv6", the address, the prefix length.</summary>
public sealed record QgaAddress(string Type, string Address, int Prefix);

/// <summary>What guest-exec-status said once the command ended.</summary>
public sealed record QgaExecResult
{
    public int Pid { get; init; }

    /// <summary>The exit code; null when a signal ended the command.</summary>
    public int? ExitCode { get; init; }
    public int? Signal { get; init; }
    public byte[] Stdout { get; init; } = [];
    public byte[] Stderr { get; init; } = [];

    /// <summary>The agent keeps at most its own limit of each stream (16 MiB for qemu-ga) and says when it cut.</summary>
    public bool StdoutTruncated { get; init; }
    public bool StderrTruncated { get; init; }
}
