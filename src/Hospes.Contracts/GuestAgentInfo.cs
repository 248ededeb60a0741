namespace Hospes.Contracts;

/// <summary>`hospes guest VM ping`: the guest agent answered, and how long the round trip took (connection included).</summary>
public sealed record GuestPingResponse
{
    public required string Vm { get; init; }
    public double Ms { get; init; }
}

/// <summary>`hospes guest VM info`: what the guest agent says about its guest.</summary>
public sealed record GuestInfo
{
    public required string Vm { get; init; }
    public required string AgentVersion { get; init; }

    /// <summary>The OS's pretty name (os-release), or its name; empty when the guest does not say.</summary>
    public string Os { get; init; } = "";
    public string KernelRelease { get; init; } = "";
    public string Machine { get; init; } = "";
    public string HostName { get; init; } = "";
    public GuestInterface[] Interfaces { get; init; } = [];

    /// <summary>The agent's enabled commands.</summary>
    public string[] Commands { get; init; } = [];
}

/// <summary>A network interface as the guest sees it: addresses as "ADDRESS/PREFIX".</summary>
public sealed record GuestInterface
{
    public required string Name { get; init; }
    public string? Mac { get; init; }
    public string[] Addresses { get; init; } = [];
}

/// <summary>`hospes guest VM exec -- CMD ARGS...`: the program (looked up in the agent's PATH), its arguments, how long to wait.</summary>
public sealed record GuestExecRequest
{
    public required string[] Command { get; init; }

    /// <summary>Seconds to wait for the command to end (1 to 3600); a command still running then keeps running.</summary>
    public int TimeoutS { get; init; } = 30;
}

/// <summary>How a command run by the guest agent ended, and what it wrote (base64 in JSON).</summary>
public sealed record GuestExecResponse
{
    public required string Vm { get; init; }
    public int Pid { get; init; }

    /// <summary>Null when a signal ended it.</summary>
    public int? ExitCode { get; init; }
    public int? Signal { get; init; }
    public byte[] Stdout { get; init; } = [];
    public byte[] Stderr { get; init; } = [];
    public bool StdoutTruncated { get; init; }
    public bool StderrTruncated { get; init; }
}

/// <summary>`hospes guest VM set-time`: the host time the guest's clock was set to.</summary>
public sealed record GuestTimeResponse
{
    public required string Vm { get; init; }
    public DateTimeOffset Time { get; init; }
}
