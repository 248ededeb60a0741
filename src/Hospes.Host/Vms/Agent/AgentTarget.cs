namespace Hospes.Host.Vms.Agent;

/// <summary>A VM as the agent keeper sees it: its agent socket (null: its QEMU has no channel) and its QEMU's pid (null: none runs).</summary>
internal sealed record AgentTarget(Guid Uuid, string Name, string? Socket, int? Pid);
