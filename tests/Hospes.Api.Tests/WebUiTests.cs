using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Tests;

/// <summary>The web UI's files (issue 15): index.html never cached, hashed assets immutable, nothing outside them, /v1 untouched.</summary>
public sealed class WebUiTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hospes-webui-");

    public WebUiTests()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "index.html"), "<!doctype html><script type=module src=/assets/main-ABC123.js></script>");
        Directory.CreateDirectory(Path.Combine(_root.FullName, "assets"));
        File.WriteAllText(Path.Combine(_root.FullName, "assets", "main-ABC123.js"), "console.log(1)");
        File.WriteAllText(Path.Combine(_root.FullName, "assets", "main-ABC123.js.gz"), "gzipped");
        File.WriteAllText(Path.Combine(_root.FullName, "secret.txt"), "not served");
    }

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Slash_IsIndexHtml_NeverCached_WithAContentSecurityPolicy()
    {
        (HttpContext http, bool passed) = await GetAsync("/");

        Assert.False(passed);
        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", http.Response.ContentType);
        Assert.Equal("no-cache", http.Response.Headers.CacheControl.ToString());
        Assert.Contains("frame-ancestors 'none'", http.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.Contains("/assets/main-ABC123.js", Body(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHashedAsset_IsImmutable_WithItsType()
    {
        (HttpContext http, _) = await GetAsync("/assets/main-ABC123.js");

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.Equal("text/javascript", http.Response.ContentType);
        Assert.Equal("public, max-age=31536000, immutable", http.Response.Headers.CacheControl.ToString());
        Assert.Equal("console.log(1)", Body(http));
    }

    [Fact]
    public async Task ABrowserThatTakesGzip_GetsThePrecompressedFile_WithTheOriginalsType()
    {
        (HttpContext http, _) = await GetAsync("/assets/main-ABC123.js", acceptEncoding: "gzip, deflate, br");

        Assert.Equal("gzip", http.Response.Headers.ContentEncoding.ToString());
        Assert.Equal("text/javascript", http.Response.ContentType);
        Assert.Equal("gzipped", Body(http));
        Assert.Equal("Accept-Encoding", http.Response.Headers.Vary.ToString());
    }

    [Theory]
    [InlineData("/assets/../secret.txt")]
    [InlineData("/assets/..%2Fsecret.txt")]
    [InlineData("/assets/main-OLD.js")]
    public async Task AnythingElseUnderAssets_Is404_NamingTheFix(string path)
    {
        (HttpContext http, bool passed) = await GetAsync(path);

        Assert.False(passed);
        Assert.Equal(StatusCodes.Status404NotFound, http.Response.StatusCode);
        Assert.StartsWith("no asset", Body(http), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v1/vms")]
    [InlineData("POST", "/")]
    [InlineData("GET", "/secret.txt")]
    public async Task TheApi_AndOtherPaths_PassOn(string method, string path)
    {
        (_, bool passed) = await GetAsync(path, method);

        Assert.True(passed);
    }

    [Fact]
    public async Task WithoutABuild_SlashSaysHowToMakeOne()
    {
        var ui = new WebUi(Path.Combine(_root.FullName, "nothing"));
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/";
        http.Response.Body = new MemoryStream();

        await ui.InvokeAsync(http, _ => Task.CompletedTask);

        Assert.Equal(StatusCodes.Status404NotFound, http.Response.StatusCode);
        Assert.Contains("./setup.sh builds it", Body(http), StringComparison.Ordinal);
    }

    private async Task<(HttpContext Http, bool Passed)> GetAsync(string path, string method = "GET", string? acceptEncoding = null)
    {
        var http = new DefaultHttpContext();
        if (acceptEncoding is not null)
        {
            http.Request.Headers.AcceptEncoding = acceptEncoding;
        }

        http.Request.Method = method;
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        bool passed = false;
        await new WebUi(_root.FullName).InvokeAsync(http, _ =>
        {
            passed = true;
            return Task.CompletedTask;
        });
        return (http, passed);
    }

    private static string Body(HttpContext http)
    {
        http.Response.Body.Position = 0;
        return new StreamReader(http.Response.Body).ReadToEnd();
    }
}
