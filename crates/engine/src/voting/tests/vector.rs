//! The test vector printed in docs/VOTING.md, so the document stays true.

use super::*;
use crate::wire::frame::Certificate;

const PROPOSAL: &str = r#"{"proposer":"8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c","enable":true,"threshold":2,"electorate":["8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394","8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"],"description":"switch mode","created_ts":1700000000000,"expires_ts":1700000300000}"#;
const PROPOSAL_SIG: &str = "529d0c5feedb2762912526381f5415dfcc96e1ab748314582d1d8cc73aedd8808d883c3aa4039961ade1814c78cfabef27ba6ba558b3ad19719fb1fcdb54f001";
const VOTE: &str = r#"{"proposal_id":"bb1b1b49070a7c2358efd4fe08814935","voter":"8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394","approve":true,"ts":1700000001000}"#;
const VOTE_SIG: &str = "162ef3cdd3bbbe818a149c334c711fb03c8a266f08f7fe9c0e64ee1ef75111f54aa37d405479dd1b0eada246c26f7a424658dc1ff1ed70b96621b868f34daa07";

#[test]
fn test_vector_matches_docs() {
    let mut ps = peers(2);
    assert_eq!(
        ps[0].id.to_hex(),
        "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
    );
    let others = [ps[1].id];
    let (sp, id, _) = ps[0].propose(&others, None, true, T0);
    assert_eq!(sp.payload, PROPOSAL);
    assert_eq!(sp.sig.as_deref(), Some(PROPOSAL_SIG));
    assert_eq!(id.0, "bb1b1b49070a7c2358efd4fe08814935");
    let vote = signed_vote(&ps[1].key, &id, true, T0 + 1_000);
    assert_eq!(vote.payload, VOTE);
    assert_eq!(vote.sig.as_deref(), Some(VOTE_SIG));

    // Built from the literal strings alone, the certificate verifies.
    let cert = Certificate {
        proposal: SignedPayload {
            payload: PROPOSAL.into(),
            sig: Some(PROPOSAL_SIG.into()),
        },
        approvals: vec![SignedPayload {
            payload: VOTE.into(),
            sig: Some(VOTE_SIG.into()),
        }],
    };
    let v = VotingBook::verify_certificate(&cert).unwrap();
    assert_eq!(v.approvers, vec![ps[0].id, ps[1].id]);
    assert!(v.secure_only());
}
