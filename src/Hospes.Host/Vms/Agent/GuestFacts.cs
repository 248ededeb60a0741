using Hospes.Qemu.Qga;

namespace Hospes.Host.Vms.Agent;

/// <summary>What `hospes guest VM info` shows: the agent, the OS, the host name, the interfaces.</summary>
internal sealed record GuestFacts(QgaAgentInfo Agent, QgaOsInfo Os, string HostName, IReadOnlyList<QgaInterface> Interfaces);
