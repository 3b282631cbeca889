using NetComm.Mail.Internal;

namespace NetComm.Tests.Mail;

[TestFixture]
public class ReplyBudgetTests
{
    [TestCase(0, 16)]
    [TestCase(1_000, 2_016)]
    [TestCase(1_073_741_816, int.MaxValue)]
    [TestCase(int.MaxValue, int.MaxValue)]
    public void A_listing_budget_grows_with_the_message_count_and_never_wraps(int entries, int expectedLines)
    {
        var budget = ReplyBudget.Listing(entries);

        Assert.That(budget.MaxLines, Is.EqualTo(expectedLines));
        Assert.That(budget.MaxBytes, Is.GreaterThanOrEqualTo((long)budget.MaxLines * 256));
    }
}
