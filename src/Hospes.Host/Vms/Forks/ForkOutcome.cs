namespace Hospes.Host.Vms.Forks;

/// <summary>A fork's result: the forks that run, those that failed (each with why), and how long the fork took.</summary>
internal sealed record ForkOutcome(string Parent, IReadOnlyList<ForkedVm> Forks, IReadOnlyList<(string Name, string Error)> Failed, long Milliseconds);

/// <summary>One running fork: its name, uuid and the MAC of each of its vifs (its own, not the parent's).</summary>
internal sealed record ForkedVm(string Name, Guid Uuid, IReadOnlyList<string> Macs);
