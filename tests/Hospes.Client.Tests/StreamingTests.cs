using System.Net;
using System.Text;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Client.Tests;

/// <summary>NDJSON answers (clone and migrate progress): one item per line as it comes.</summary>
public sealed class StreamingTests
{
    [Fact]
    public async Task EachLine_IsOneEvent_BlankLinesAside()
    {
        var stub = new StubHandler().On("POST", "/v1/templates/t/clone", HttpStatusCode.OK,
            "{\"event\":\"created\",\"name\":\"c1\",\"total\":2}\n\n{\"event\":\"done\",\"total\":2,\"created\":2,\"failures\":[]}\n", "application/x-ndjson");
        using var client = new HospesClient(HospesConnection.Over(stub));

        List<CloneEvent> events = [];
        await foreach (CloneEvent e in client.Store.CloneAsync("t", new CloneRequest { Name = "c{i}", Count = 2 }, default))
        {
            events.Add(e);
        }

        Assert.Equal(["created", "done"], events.Select(e => e.Event));
        Assert.Equal(("c1", 2), (events[0].Name, events[1].Created));
        Assert.Contains("\"name\":\"c{i}\"", stub.LastBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusal_ComesBeforeTheFirstEvent()
    {
        var stub = new StubHandler().Error("POST", "/v1/vms/web/migrate", HttpStatusCode.NotFound, "not_found", "no host named 'b'");
        using var client = new HospesClient(HospesConnection.Over(stub));

        var e = await Assert.ThrowsAsync<HospesApiException>(async () =>
        {
            await foreach (MigrationEvent _ in client.Migrations.MigrateAsync("web", new MigrateRequest { Host = "b" }, default))
            {
                Assert.Fail("no event was expected");
            }
        });

        Assert.Equal(("no host named 'b'", Delivery.Answered), (e.Message, e.Delivery));
    }

    [Fact]
    public async Task AStreamThatBreaks_GivesWhatCame_ThenNoAnswer()
    {
        var stub = new StubHandler().On("POST", "/v1/vms/web/migrate", () => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new BreakingStream("{\"event\":\"check\",\"message\":\"ok\"}\n")),
        });
        using var client = new HospesClient(HospesConnection.Over(stub));
        List<string> seen = [];

        var e = await Assert.ThrowsAsync<HospesApiException>(async () =>
        {
            await foreach (MigrationEvent m in client.Migrations.MigrateAsync("web", new MigrateRequest { Host = "b" }, default))
            {
                seen.Add(m.Event);
            }
        });

        Assert.Equal(["check"], seen);
        Assert.Equal(Delivery.NoAnswer, e.Delivery);
    }

    /// <summary>Gives its text, then fails as a connection cut off does.</summary>
    private sealed class BreakingStream(string text) : Stream
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(text);
        private int _at;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at == _bytes.Length)
            {
                throw new IOException("connection reset by peer");
            }

            int n = Math.Min(count, _bytes.Length - _at);
            Array.Copy(_bytes, _at, buffer, offset, n);
            _at += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
