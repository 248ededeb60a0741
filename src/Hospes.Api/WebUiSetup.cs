using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hospes.Api;

/// <summary>Where the web UI sits in hospesd's pipeline (before routing), with what browsers need of the API: their HTTP/2 WebSockets.</summary>
internal static class WebUiSetup
{
    public static void UseHospesWebUi(this IApplicationBuilder app)
    {
        WebUi ui = app.ApplicationServices.GetService<WebUi>() ?? WebUi.Installed();
        app.Use(ui.InvokeAsync);
        app.Use(Http2WebSockets.AsGet);
    }
}
