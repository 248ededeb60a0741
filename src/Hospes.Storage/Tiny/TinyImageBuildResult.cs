namespace Hospes.Storage.Tiny;

/// <summary>The image now in place; <paramref name="Rebuilt"/> is false when the existing one was already current.</summary>
public sealed record TinyImageBuildResult(TinyImageManifest Manifest, bool Rebuilt);
