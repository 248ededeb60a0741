namespace Hospes.Host.Migration.Evacuation;

/// <summary>A member asks this host to evacuate (or restore) itself for <see cref="By"/>.</summary>
internal sealed record EvacuationAsk(string? Mode, string By);
