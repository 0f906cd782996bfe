using System.Net.Sockets;
using Console.Workflows.Common;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Common;

public sealed class ConcurrencyTests
{
    [Fact]
    public void DatabaseUnavailable_ConnectionRefusedOrCut_IsUnavailable_EvenWrapped()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

        Concurrency.DatabaseUnavailable(refused).ShouldBeTrue();
        Concurrency.DatabaseUnavailable(new InvalidOperationException("handler failed", refused)).ShouldBeTrue();
        Concurrency.DatabaseUnavailable(new AggregateException(new IOException("x"), refused)).ShouldBeTrue();
    }

    [Fact]
    public void DatabaseUnavailable_ABugOrAConstraint_IsNot()
    {
        Concurrency.DatabaseUnavailable(new InvalidOperationException("a defect")).ShouldBeFalse();
        Concurrency.DatabaseUnavailable(new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)).ShouldBeFalse();
    }
}
