namespace Hospes.Contracts;

public sealed record ImageBuildResponse(ImageInfo Image, bool Rebuilt, IReadOnlyList<string> Log);
