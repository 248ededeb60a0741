using Hospes.Contracts;
using Hospes.Core.Errors;

namespace Hospes.Host;

/// <summary>Images: list, show, build.</summary>
public sealed partial class HospesHost
{
    public IReadOnlyList<ImageInfo> ListImages() => Images.List();

    public Result<ImageInfo> GetImage(string name) => Images.Find(name);

    public Task<Result<ImageBuildResponse>> BuildImageAsync(ImageBuildRequest request, CancellationToken ct) => Images.BuildAsync(request, ct);
}
