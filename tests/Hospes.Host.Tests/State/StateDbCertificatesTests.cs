using Hospes.Host.Access;
using Hospes.Host.State;

namespace Hospes.Host.Tests.State;

public sealed class StateDbCertificatesTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly TempDir _dir = new();
    private readonly StateDb _db;

    public StateDbCertificatesTests()
    {
        _db = new StateDb(_dir.File("h.db"));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AFingerprint_MapsToOneUser_AndIsFoundByIt()
    {
        var laptop = new UserCertificateRecord(new string('a', 64), "alice", "laptop", Now);

        Assert.True(_db.TryInsertUserCertificate(laptop));
        Assert.False(_db.TryInsertUserCertificate(laptop with { User = "bob" }));
        Assert.Equal(laptop, _db.FindUserCertificate(laptop.Fingerprint));
        Assert.Equal([laptop], _db.LoadUserCertificates("alice"));
        Assert.Empty(_db.LoadUserCertificates("bob"));
    }

    [Fact]
    public void DeletingAUser_DeletesItsCertificates_NotOthers()
    {
        _db.TryInsertUser(new UserRecord("alice", null, null, true, Now));
        _db.TryInsertUser(new UserRecord("bob", null, null, true, Now));
        _db.TryInsertUserCertificate(new UserCertificateRecord(new string('a', 64), "alice", "laptop", Now));
        _db.TryInsertUserCertificate(new UserCertificateRecord(new string('b', 64), "bob", "laptop", Now));

        Assert.True(_db.DeleteUser("alice"));

        Assert.Null(_db.FindUserCertificate(new string('a', 64)));
        Assert.NotNull(_db.FindUserCertificate(new string('b', 64)));
    }

    [Fact]
    public void Removing_IsByUserAndFingerprint()
    {
        _db.TryInsertUserCertificate(new UserCertificateRecord(new string('a', 64), "alice", "laptop", Now));

        Assert.False(_db.DeleteUserCertificate("bob", new string('a', 64)));
        Assert.True(_db.DeleteUserCertificate("alice", new string('a', 64)));
        Assert.Empty(_db.LoadUserCertificates());
    }
}
