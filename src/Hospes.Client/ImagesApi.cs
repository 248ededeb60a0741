using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>Images: built from Debian packages or imported (imports and deletes are the store's: <see cref="StoreApi"/>).</summary>
public sealed class ImagesApi
{
    private readonly HospesConnection _c;

    internal ImagesApi(HospesConnection connection) => _c = connection;

    public Task<IReadOnlyList<ImageInfo>> ListAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<ImageInfo>>(HttpMethod.Get, Routes.Images, null, ct);

    public Task<ImageInfo> GetAsync(string name, CancellationToken ct) => _c.SendAsync<ImageInfo>(HttpMethod.Get, Routes.Path(Routes.Image, name), null, ct);

    /// <summary>Builds an image of <see cref="ImageBuildRequest.Kind"/> (tiny or debian); returns when it is done.</summary>
    public Task<ImageBuildResponse> BuildAsync(ImageBuildRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _c.SendAsync<ImageBuildResponse>(HttpMethod.Post, Routes.Path(Routes.ImageBuild, request.Kind), request, ct);
    }
}
