using System.Buffers.Text;
using System.Text;
using Hospes.Host.Cluster.Forwarding;

namespace Hospes.Host.Tests.Cluster;

public class ForwardEnvelopeTests
{
    [Fact]
    public void AnEnvelope_ReadsBackAsWritten()
    {
        var sent = new ForwardEnvelope { User = "alice", Kind = "token", TokenName = "ci", PrivilegeSeparated = true, Groups = ["lab"], Origin = "host-a", Source = "198.51.100.7", AccessVersion = 7 };

        ForwardEnvelope? read = ForwardEnvelope.Decode(sent.Encode());

        Assert.NotNull(read);
        Assert.Equal(("alice", "token", "ci", true, "host-a", "198.51.100.7"), (read.User, read.Kind, read.TokenName, read.PrivilegeSeparated, read.Origin, read.Source));
        Assert.Equal(["lab"], read.Groups);
        Assert.Equal(7, read.AccessVersion);
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("{\"user\":\"alice\",\"kind\":\"user\"}")]
    [InlineData("{\"user\":\"alice\",\"kind\":\"root\",\"origin\":\"host-a\"}")]
    [InlineData("{\"user\":\"alice\",\"kind\":\"token\",\"origin\":\"host-a\"}")]
    [InlineData("{\"user\":\"\",\"kind\":\"user\",\"origin\":\"host-a\"}")]
    public void AHeaderThatIsNoWholeEnvelope_IsNone(string text)
    {
        string header = text.StartsWith('{') ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text)) : text;

        Assert.Null(ForwardEnvelope.Decode(header));
    }
}
