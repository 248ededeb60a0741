namespace Hospes.Qemu.CommandLine;

/// <summary>Where one running VM's sockets, logs and pid file live.</summary>
public sealed record VmRuntimePaths
{
    public required string QmpSocket { get; init; }
    public required string ConsoleSocket { get; init; }

    /// <summary>The guest agent's channel (virtio-serial port org.qemu.guest_agent.0): a unix socket only hospesd connects to.</summary>
    public string? AgentSocket { get; init; }

    /// <summary>Everything the guest wrote on its serial console; QEMU itself appends to it, even while hospesd is down.</summary>
    public required string ConsoleLog { get; init; }
    public required string PidFile { get; init; }

    /// <summary>QEMU's own stdout/stderr.</summary>
    public required string QemuLog { get; init; }
    public required string QmpLog { get; init; }

    /// <summary>The VM's own UEFI variable store (bios = 'ovmf'), in its folder so it lives as long as the VM.</summary>
    public string? FirmwareVars { get; init; }

    /// <summary>The guest's VNC display (an HVM guest with vnc): a unix socket only hospesd connects to, never a TCP port.</summary>
    public string? VncSocket { get; init; }
}
