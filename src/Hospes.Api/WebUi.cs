using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Hospes.Api;

/// <summary>
/// The web UI (issue 15): the files web/build.mjs made in hospesd's install folder (wwwroot/, next to hospesd), served
/// to anyone without a login: `/` is index.html, never cached (it names the current bundle); `/assets/NAME-HASH.ext`
/// are immutable (a new build has new names). Everything the UI shows comes from the API, which keeps its login.
/// Runs before routing, so /v1 and its access rules are untouched.
/// </summary>
internal sealed class WebUi(string root)
{
    public const string Assets = "/assets/";

    // Scripts and styles only from this host; connections (the API, its WebSockets, the event stream) only to it;
    // xterm.js sets inline styles; no framing (clickjacking of the action buttons).
    private const string Policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly FileExtensionContentTypeProvider Types = new();

    /// <summary>The install folder's wwwroot/, where setup.sh puts the built UI.</summary>
    public static WebUi Installed() => new(Path.Combine(AppContext.BaseDirectory, "wwwroot"));

    public string Root => root;

    public Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        string path = http.Request.Path.Value ?? "/";
        bool read = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        if (!read || !(path is "/" or "/index.html" || path.StartsWith(Assets, StringComparison.Ordinal)))
        {
            return next(http);
        }

        return path.StartsWith(Assets, StringComparison.Ordinal) ? AssetAsync(http, path[Assets.Length..]) : IndexAsync(http);
    }

    private async Task IndexAsync(HttpContext http)
    {
        string index = Path.Combine(root, "index.html");
        if (!File.Exists(index))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync($"the web UI is not installed: {index} does not exist; ./setup.sh builds it (npm ci and esbuild in web/) into hospesd's wwwroot/");
            return;
        }

        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ContentSecurityPolicy = Policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        await SendAsync(http, index, "text/html; charset=utf-8");
    }

    private async Task AssetAsync(HttpContext http, string name)
    {
        // One flat folder of hashed names: anything with a path in it (.., /, \) is not one of them.
        string file = Path.Combine(root, "assets", name);
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.StartsWith('.') || !File.Exists(file))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync($"no asset {name} in this build of the web UI: reload the page (/)");
            return;
        }

        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.Vary = "Accept-Encoding";
        string type = Types.TryGetContentType(name, out string? known) ? known : "application/octet-stream";
        if (File.Exists(file + ".gz") && http.Request.Headers.AcceptEncoding.Any(e => e?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true))
        {
            // build.mjs wrote it beside the file: the bundle goes out a quarter of its size, compressed once at build time.
            http.Response.Headers.ContentEncoding = "gzip";
            file += ".gz";
        }

        await SendAsync(http, file, type);
    }

    private static async Task SendAsync(HttpContext http, string file, string type)
    {
        var info = new FileInfo(file);
        http.Response.ContentType = type;
        http.Response.ContentLength = info.Length;
        http.Response.Headers[HeaderNames.LastModified] = info.LastWriteTimeUtc.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (HttpMethods.IsGet(http.Request.Method))
        {
            await http.Response.SendFileAsync(file, http.RequestAborted);
        }
    }
}
