using Hospes.Contracts;
using Hospes.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Hospes.Api;

/// <summary>
/// Every request body is bounded, before anything reads it: a config is at most 256 KiB, so 4 MiB holds any request
/// of the local API; a peer's migration offer carries its small disks inline (16 MiB each, base64), so it may reach
/// 256 MiB. A body over its limit is refused with the limit named: by its Content-Length at once, a chunked one as
/// soon as it reads past the limit (also on servers without Kestrel's own limit, such as the test server).
/// </summary>
internal static class BodyLimit
{
    public const long MaxBodyBytes = 4L << 20;
    public const long MaxOfferBytes = 256L << 20;

    /// <summary>A template's disks another member copies here (issue 17): a disk image's size, not a request's.</summary>
    public const long MaxTemplateCopyBytes = 1L << 40;

    public static long For(PathString path) =>
        path.Equals(Routes.PeerMigrations, StringComparison.Ordinal) ? MaxOfferBytes
        : path.StartsWithSegments("/v1/cluster/templates", StringComparison.Ordinal) ? MaxTemplateCopyBytes
        : MaxBodyBytes;

    public static Task Apply(HttpContext http, RequestDelegate next)
    {
        long limit = For(http.Request.Path);
        if (http.Request.ContentLength is long length && length > limit)
        {
            return ApiResults.Error(HospesError.Invalid(TooLarge(http.Request.Path, limit) + $" (this one is {length} bytes)")).ExecuteAsync(http);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        http.Request.Body = new LimitedStream(http.Request.Body, limit, TooLarge(http.Request.Path, limit));
        return next(http);
    }

    private static string TooLarge(PathString path, long limit) =>
        $"the request body is too large: {path} takes at most {limit >> 20} MiB";

    /// <summary>Reads through to the body and throws (a bad request) once more than the limit was read.</summary>
    private sealed class LimitedStream(Stream inner, long limit, string message) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            _read += n;
            return _read > limit ? throw new BadHttpRequestException(message, StatusCodes.Status413PayloadTooLarge) : n;
        }
    }
}
