namespace Hospes.Storage.Tiny;

/// <summary>The downloaded .debs of a build, matching <see cref="TinyInputs"/>.</summary>
internal sealed record TinyPackageFiles(string KernelDeb, string BusyboxDeb, IReadOnlyList<string> SshDebs, IReadOnlyList<string> AgentDebs);
