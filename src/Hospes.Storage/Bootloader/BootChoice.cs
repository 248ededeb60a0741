namespace Hospes.Storage.Bootloader;

/// <summary>What one filesystem would boot: paths inside it with links followed, and where they were named.</summary>
internal sealed record BootChoice(string Kernel, IReadOnlyList<string> Initrds, string Args, string Title, string Source);
