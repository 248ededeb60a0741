using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Images;

namespace Hospes.Host.Edge;

/// <summary>`hospes image list|show|build`: the store's boot and disk images (import and delete are the store's, <see cref="StoreApi"/>).</summary>
public sealed class ImagesApi
{
    private readonly ImageService _images;

    internal ImagesApi(ImageService images) => _images = images;

    /// <summary>The host's images (they are in no project) that <paramref name="visible"/> ("", name) lets through.</summary>
    public IReadOnlyList<ImageInfo> List(Func<string, string, bool>? visible = null) =>
        [.. _images.List().Select(ImageInfoFactory.Create).Where(i => visible?.Invoke("", i.Name) ?? true)];

    public Result<ImageInfo> Get(string name) => ResultMap.Map(_images.Find(name), ImageInfoFactory.Create);

    public async Task<Result<ImageBuildResponse>> BuildAsync(ImageBuildRequest request, CancellationToken ct)
    {
        var build = new ImageBuild(request.Kind, request.Name, request.Force, request.Release, request.SizeBytes, request.Kernel);
        Result<ImageBuilt> built = await _images.BuildAsync(build, ct).ConfigureAwait(false);
        return ResultMap.Map(built, b => new ImageBuildResponse(ImageInfoFactory.Create(b.Image), b.Rebuilt, b.Log));
    }
}
