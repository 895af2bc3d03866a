<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="ko_KR">
<context>
    <name>ActionRecordDialog</name>
    <message>
        <location filename="../../ui/action_record.py" line="66"/>
        <source>조치 기록</source>
        <translation>Record the action</translation>
    </message>
    <message>
        <location filename="../../ui/action_record.py" line="72"/>
        <source>한 일을 모두 고르고 필요하면 메모를 남기십시오.</source>
        <translation>Tick everything that was done and add a note if needed.</translation>
    </message>
    <message>
        <location filename="../../ui/action_record.py" line="84"/>
        <source>조치 내용 메모 (예: 보호자에게 연락, 병원 동행)</source>
        <translation>Note on the action (e.g. called the family, went to the clinic together)</translation>
    </message>
</context>
<context>
    <name>AlertsPage</name>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="46"/>
        <source>폭염·한파 집중관리</source>
        <extracomment>Months whose alerts are 한파 (cold); the others&apos; are 폭염 (heat).</extracomment>
        <translation>Heat and cold campaign</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="50"/>
        <source>특보 선포: 고위험·중위험 가구는 특보 기간 동안 매일 연락 대상이 됩니다</source>
        <translation>Declare an alert: high- and medium-risk households are contacted daily while it lasts</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="54"/>
        <source>폭염</source>
        <translation>Heat</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="55"/>
        <source>한파</source>
        <translation>Cold</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="57"/>
        <source>주의보</source>
        <translation>Advisory</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="58"/>
        <source>경보</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="65"/>
        <source>선포</source>
        <translation>Declare</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="67"/>
        <source>시작</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="68"/>
        <source>끝</source>
        <translation>End</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="79"/>
        <source>선택한 특보 종료</source>
        <translation>End the selected alert</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="80"/>
        <source>새로 고침</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="85"/>
        <source>특보를 고르면 오늘 연락 현황을 보여 줍니다.</source>
        <translation>Choose an alert to see today&apos;s contacts.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/alerts.py" line="131"/>
        <source>오늘(%1) 연락 완료 %2가구 / 남은 가구 %3</source>
        <translation>Today (%1): %2 households contacted / %3 to go</translation>
    </message>
</context>
<context>
    <name>BoardPage</name>
    <message>
        <location filename="../../ui/supervisor/board.py" line="29"/>
        <source>담당자별 현황판</source>
        <translation>Board by worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board.py" line="37"/>
        <source>건수는 서버가 받은 기록 기준입니다. 기기에 남은 미전송 기록은 &apos;미전송(기기 보고)&apos; 열에 따로 표시합니다 (마지막 동기화 때 보고된 값).</source>
        <translation>Counts use what the server received. Unsent records still on devices are shown apart in &apos;Unsent (device report)&apos; (as reported at their last sync).</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board.py" line="52"/>
        <source>새로 고침</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board.py" line="54"/>
        <source>가구 재배정…</source>
        <translation>Reassign households…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board.py" line="57"/>
        <source>마지막 재배정 되돌리기</source>
        <translation>Undo the last reassignment</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board.py" line="79"/>
        <source>가구 %1 · 미배정 (안부확인 %2, 방문건강 %3) · 미해결 충돌 %4 · 미확인 인계 기록 %5 · 진행 중 폭염·한파 %6</source>
        <translation>Households %1 · unassigned (welfare check %2, visiting health %3) · open conflicts %4 · unacknowledged hand-over records %5 · active heat/cold alerts %6</translation>
    </message>
</context>
<context>
    <name>BoardSignals</name>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="40"/>
        <source>조기 경보 신호</source>
        <translation>Early-warning signals</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="46"/>
        <source>담당자</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="49"/>
        <location filename="../../ui/supervisor/board_signals.py" line="111"/>
        <source>전체</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="59"/>
        <source>심각도</source>
        <translation>Severity</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="60"/>
        <source>가구</source>
        <translation>Household</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="61"/>
        <source>담당</source>
        <translation>Workers</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="62"/>
        <source>종류</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="63"/>
        <source>시작</source>
        <translation>Since</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="64"/>
        <source>신호</source>
        <translation>Signal</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="77"/>
        <source>확인 기록…</source>
        <translation>Acknowledge…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/board_signals.py" line="128"/>
        <source>가구 %1 · 신호 %2 (높음 %3)</source>
        <translation>%1 households · %2 signals (%3 high)</translation>
    </message>
</context>
<context>
    <name>ConflictCard</name>
    <message>
        <location filename="../../ui/household_view.py" line="314"/>
        <source>충돌: %1 — 두 값 중 하나를 고르십시오</source>
        <translation>Conflict: %1 — choose one of the two values</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="321"/>
        <source>내 값</source>
        <translation>Mine</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="327"/>
        <source>다른 값</source>
        <translation>Theirs</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="338"/>
        <source>이 값 선택</source>
        <translation>Choose this value</translation>
    </message>
</context>
<context>
    <name>ConflictsPage</name>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="48"/>
        <source>충돌 검토</source>
        <translation>Review conflicts</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="53"/>
        <source>두 기기에서 같은 항목을 동시에 고친 경우입니다. 어느 값도 자동으로 버리지 않았습니다. 값을 고르거나 직접 고쳐 저장하면 그 가구를 가진 모든 담당자에게 전달됩니다.</source>
        <translation>Two devices changed the same field at the same time. Neither value was dropped. Choose a value or edit one and save; it goes to every worker who holds the household.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="73"/>
        <source>선택한 충돌</source>
        <translation>Selected conflict</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="79"/>
        <source>직접 고칠 값</source>
        <translation>Value to set</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="68"/>
        <source>미해결 충돌 없음. 두 담당자가 같은 가구의 같은 항목을 서로 다르게 고치면 여기에 나타납니다.</source>
        <translation>No open conflicts. When two workers change the same item of a household differently, it appears here.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="75"/>
        <location filename="../../ui/supervisor/conflicts.py" line="117"/>
        <source>목록에서 충돌을 고르십시오.</source>
        <translation>Choose a conflict in the list.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="83"/>
        <source>값 A로 결정</source>
        <translation>Decide for value A</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="84"/>
        <source>값 B로 결정</source>
        <translation>Decide for value B</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="85"/>
        <source>고친 값으로 결정</source>
        <translation>Decide for the edited value</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="91"/>
        <source>새로 고침</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="120"/>
        <source>%1 — A: %2 (%3, %4) / B: %5 (%6, %7)</source>
        <translation>%1 — A: %2 (%3, %4) / B: %5 (%6, %7)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/conflicts.py" line="140"/>
        <source>고친 값의 형식이 맞지 않습니다 (목록은 JSON으로).</source>
        <translation>The edited value is not in the right form (lists as JSON).</translation>
    </message>
</context>
<context>
    <name>CrisisPanel</name>
    <message>
        <location filename="../../ui/crisis.py" line="92"/>
        <source>위기 상담 전화</source>
        <translation>Crisis lines</translation>
    </message>
    <message>
        <location filename="../../ui/crisis.py" line="96"/>
        <source>위급하면 지금 전화하십시오. 모든 번호는 무료이며 인터넷 없이도 여기에 표시됩니다.</source>
        <translation>In an emergency, call now. Every number is free and shown here even without the internet.</translation>
    </message>
    <message>
        <location filename="../../ui/crisis.py" line="113"/>
        <source>번호 복사</source>
        <translation>Copy number</translation>
    </message>
    <message>
        <location filename="../../ui/crisis.py" line="114"/>
        <source>%1 번호 복사</source>
        <translation>Copy the number %1</translation>
    </message>
</context>
<context>
    <name>DemoStartWindow</name>
    <message>
        <location filename="../../ui/demo_window.py" line="57"/>
        <source>돌봄노트 데모 준비</source>
        <extracomment>Where each phase starts and ends on the overall bar (percent).</extracomment>
        <translation>Preparing the 돌봄노트 demo</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="60"/>
        <source>데모를 준비하고 있습니다</source>
        <translation>Preparing the demo</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="63"/>
        <source>시작하는 중…</source>
        <translation>Starting…</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="72"/>
        <source>처음 실행할 때만 합성 데이터(실존 인물 없음)로 데모 지역을 만듭니다. 준비되면 {user} 계정으로 로그인한 창이 열립니다.</source>
        <translation>On the first run only, the demo district is built from synthetic data (no real people). When it is ready, a window opens signed in as {user}.</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="79"/>
        <source>닫기</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="88"/>
        <source>데모 지역 서버를 시작하는 중…</source>
        <translation>Starting the demo district server…</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="90"/>
        <source>데모 계정을 만드는 중…</source>
        <translation>Creating the demo accounts…</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="92"/>
        <source>가구를 등록하는 중… ({done}/{total}가구)</source>
        <translation>Registering households… ({done}/{total})</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="96"/>
        <source>2년간의 방문·안부확인 기록을 넣는 중… ({done}/{total}가구)</source>
        <translation>Loading two years of visits and welfare checks… ({done}/{total} households)</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="100"/>
        <source>로그인하고 담당 가구를 내려받는 중…</source>
        <translation>Signing in and downloading the caseload…</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="101"/>
        <source>준비하는 중…</source>
        <translation>Preparing…</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="112"/>
        <source>데모를 시작하지 못했습니다: {reason}</source>
        <translation>The demo could not start: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/demo_window.py" line="115"/>
        <source>터미널에서 fieldapp --demo --debug 로 실행하면 자세한 기록이 나옵니다.</source>
        <translation>Run fieldapp --demo --debug in a terminal for a detailed log.</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <location filename="../../ui/forms/builder.py" line="119"/>
        <source>— 선택 —</source>
        <extracomment>Above this many options a choice becomes a combo box instead of radio buttons. Field kinds laid out side by side, and how many to a row. Width of a column of side-by-side fields: a range message fits on one line. Option values not offered now (see :meth:`offer_options`).</extracomment>
        <translation>— choose —</translation>
    </message>
    <message>
        <location filename="../../ui/forms/builder.py" line="185"/>
        <source>예</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/forms/builder.py" line="227"/>
        <source>%1 / %2자</source>
        <translation>%1 / %2 characters</translation>
    </message>
    <message>
        <location filename="../../ui/forms/builder.py" line="301"/>
        <source>%1: 값을 입력하십시오.</source>
        <translation>%1: enter a value.</translation>
    </message>
    <message>
        <location filename="../../ui/forms/builder.py" line="307"/>
        <source>%1: 숫자로 입력하십시오.</source>
        <translation>%1: enter a number.</translation>
    </message>
    <message>
        <location filename="../../ui/forms/builder.py" line="314"/>
        <source>%1: %2–%3 사이로 입력하십시오.</source>
        <translation>%1: enter a value from %2 to %3.</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <location filename="../../ui/forms/form_page.py" line="223"/>
        <source>정정 기록: 원래 기록은 그대로 남고 새 기록이 덧붙습니다.</source>
        <extracomment>The draft&apos;s id is the id the record gets: a form is saved once, never twice. Set when saving begins: no autosave after that (it would bring the draft back).</extracomment>
        <translation>Correction: the original record stays; this new record is added.</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="255"/>
        <source>닫기</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="257"/>
        <source>저장 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="316"/>
        <source>위험 배너에 한 일을 먼저 기록하십시오.</source>
        <translation>First record in the risk banner what you did.</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="357"/>
        <source>임시 저장됨 %1</source>
        <translation>Draft saved %1</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="486"/>
        <source>양식 닫기</source>
        <translation>Close the form</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="488"/>
        <source>작성 중인 내용은 임시 저장되어 있습니다. 나중에 가구 화면에서 이어서 작성할 수 있습니다. 닫겠습니까?</source>
        <translation>What you typed is kept as a draft; you can continue it later from the household. Close?</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="501"/>
        <source>즉시 조치 미기록</source>
        <translation>Immediate action not recorded</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="503"/>
        <source>이 답에는 즉시 조치가 필요합니다:</source>
        <translation>These answers need immediate action:</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="506"/>
        <source>한 일을 기록하지 않고 닫으면 임시 저장되고, 오늘 할 일 맨 위에 즉시 조치로 남습니다.</source>
        <translation>If you close without recording what was done, the form is kept as a draft and stays at the top of Today as an immediate action.</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="509"/>
        <source>지금 조치 기록</source>
        <translation>Record the action now</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="510"/>
        <source>임시 저장하고 닫기</source>
        <translation>Keep as draft and close</translation>
    </message>
</context>
<context>
    <name>HouseholdTableModel</name>
    <message>
        <location filename="../../ui/households_model.py" line="252"/>
        <source>이름</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="253"/>
        <source>주소</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="254"/>
        <source>행정동</source>
        <translation>Dong</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="255"/>
        <source>전화</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="256"/>
        <source>가구 유형</source>
        <translation>Household type</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="257"/>
        <source>위험도</source>
        <translation>Risk</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="258"/>
        <source>관리군</source>
        <translation>Care group</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="259"/>
        <source>다음 방문</source>
        <translation>Next visit</translation>
    </message>
</context>
<context>
    <name>HouseholdView</name>
    <message>
        <location filename="../../ui/household_view.py" line="363"/>
        <source>← 목록</source>
        <translation>← List</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="375"/>
        <source>안부확인 기록</source>
        <translation>Record welfare check</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="379"/>
        <source>방문 기록</source>
        <translation>Record visit</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="381"/>
        <source>선별검사</source>
        <translation>Screening</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="477"/>
        <source>시각</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="408"/>
        <source>종류</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="407"/>
        <source>시각 (KST)</source>
        <translation>Time (KST)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="409"/>
        <location filename="../../ui/household_view.py" line="444"/>
        <source>내용</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="410"/>
        <source>작성자</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="411"/>
        <source>동기화</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="423"/>
        <source>기록을 두 번 누르면 정정 기록을 작성합니다 (원래 기록은 그대로 남습니다).</source>
        <translation>Double-click a record to write a correction (the original stays).</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="427"/>
        <source>타임라인</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="430"/>
        <source>건강 추이</source>
        <translation>Health trends</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="433"/>
        <location filename="../../ui/household_view.py" line="444"/>
        <source>날짜</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="434"/>
        <source>검사</source>
        <translation>Instrument</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="435"/>
        <source>총점</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="436"/>
        <source>판정</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="437"/>
        <source>필요 조치</source>
        <translation>Actions needed</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="442"/>
        <source>선별검사 이력</source>
        <translation>Screening history</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="444"/>
        <source>긴급도</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="444"/>
        <source>상태</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="465"/>
        <source>조치·의뢰</source>
        <translation>Actions and referrals</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="471"/>
        <location filename="../../ui/household_view.py" line="870"/>
        <source>신호</source>
        <translation>Signals</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="474"/>
        <source>사업</source>
        <translation>Programme</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="475"/>
        <source>담당자</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="476"/>
        <source>배정한 사람</source>
        <translation>Assigned by</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="478"/>
        <source>사유</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="481"/>
        <source>담당 이력</source>
        <translation>Assignment history</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="490"/>
        <source>기본 정보 (수정하면 서버와 필드별로 병합됩니다)</source>
        <translation>Profile (edits merge with the server field by field)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="505"/>
        <source>다른 사업 담당자만 수정할 수 있는 항목입니다.</source>
        <translation>Only the other programme&apos;s worker can edit this field.</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="511"/>
        <source>변경 저장</source>
        <translation>Save changes</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="516"/>
        <source>최근 기록</source>
        <translation>Recent records</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="525"/>
        <source>가구원 · 비상 연락처</source>
        <translation>Members · emergency contacts</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="530"/>
        <source>동의</source>
        <translation>Consent</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="534"/>
        <source>진행 중인 조치</source>
        <translation>Open actions</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="539"/>
        <source>작성 중인 양식</source>
        <translation>Forms in progress</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="552"/>
        <source>개요</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="575"/>
        <source>이 가구는 더 이상 이 기기에 없습니다</source>
        <translation>This household is no longer on this laptop</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="577"/>
        <source>담당이 바뀌었을 수 있습니다. 동기화 화면의 인계 기록을 확인하십시오.</source>
        <translation>It may have been handed over to another worker. See the hand-overs in the Sync screen.</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="583"/>
        <source>(이름 없음)</source>
        <translation>(no name)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="592"/>
        <source>위험도 %1</source>
        <translation>Risk %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="618"/>
        <source>전송 대기 중인 수정: %1</source>
        <translation>Edits waiting to be sent: %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="636"/>
        <source>비상 연락처: %1</source>
        <translation>Emergency contact: %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="645"/>
        <source>동의함</source>
        <translation>Given</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="645"/>
        <source>동의 없음</source>
        <translation>Not given</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="657"/>
        <location filename="../../ui/household_view.py" line="822"/>
        <location filename="../../ui/household_view.py" line="832"/>
        <source>없음</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="660"/>
        <source>이어서 작성: %1 (%2)</source>
        <translation>Continue: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="667"/>
        <source>즉시 조치가 아직 기록되지 않았습니다</source>
        <translation>The immediate action has not been recorded yet</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="683"/>
        <source>기록 없음</source>
        <translation>No records</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="693"/>
        <source>[취소됨] </source>
        <translation>[voided] </translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="695"/>
        <source>[정정됨] </source>
        <translation>[corrected] </translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="697"/>
        <source>[정정] </source>
        <translation>[correction] </translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="711"/>
        <source>혈압 (두 번 측정 평균)</source>
        <translation>Blood pressure (mean of two readings)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="713"/>
        <source>수축기</source>
        <translation>Systolic</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="714"/>
        <source>이완기</source>
        <translation>Diastolic</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="716"/>
        <source>140/90 기준</source>
        <translation>140/90 line</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="720"/>
        <location filename="../../ui/household_view.py" line="721"/>
        <source>혈당</source>
        <translation>Glucose</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="722"/>
        <source>저혈당 70</source>
        <translation>Hypoglycaemia 70</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="726"/>
        <source>체중</source>
        <translation>Weight</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="800"/>
        <source>완료</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="798"/>
        <source>진행 중</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="450"/>
        <source>조치 기록 (선택한 항목 닫기)</source>
        <translation>Record the action (closes the selected item)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="459"/>
        <source>필요·진행 중 항목을 두 번 누르거나 골라서 조치를 기록하면 그 항목이 닫힙니다.</source>
        <translation>Double-click an open (필요 / 진행 중) item, or select it, to record the action; that closes it.</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="798"/>
        <source>필요</source>
        <translation>Needed</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="802"/>
        <source>권고</source>
        <translation>Advised</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="806"/>
        <source> → 조치: %1 (%2)</source>
        <translation> → action: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="828"/>
        <source>의뢰</source>
        <translation>Referral</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="863"/>
        <source>조치 기록</source>
        <translation>Record the action</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="896"/>
        <source>현재</source>
        <translation>Current</translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <location filename="../../ui/households.py" line="49"/>
        <source>가구 목록</source>
        <translation>Households</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="55"/>
        <source>이름, 주소, 전화번호, 행정동으로 찾기 (Ctrl+F)</source>
        <translation>Find by name, address, phone or dong (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="61"/>
        <source>모든 사업</source>
        <translation>All programmes</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="68"/>
        <source>모든 위험도</source>
        <translation>All risk levels</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="71"/>
        <source>모든 관리군</source>
        <translation>All care groups</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="75"/>
        <source>모든 방문 상태</source>
        <translation>All visit states</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="109"/>
        <source>해당하는 가구 없음. 검색어나 필터를 바꾸십시오. 이름은 초성으로도 찾을 수 있습니다 (예: ㅂㅈ).</source>
        <translation>No households match. Change the search or the filters. Names can also be found by their initial consonants (e.g. ㅂㅈ).</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="204"/>
        <source>%1 / %2 가구</source>
        <translation>%1 / %2 households</translation>
    </message>
</context>
<context>
    <name>InboxPage</name>
    <message>
        <location filename="../../ui/supervisor/inbox.py" line="26"/>
        <source>인계함: 가구를 옮긴 뒤 늦게 도착한 기록</source>
        <translation>Hand-over inbox: records that arrived after the household moved</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/inbox.py" line="32"/>
        <source>새로 맡은 가구에 이전 담당자가 늦게 보낸 기록입니다. 가구 기록에도 들어가 있습니다. 읽은 뒤 확인 처리하십시오.</source>
        <translation>Records the previous worker sent late for households you took over. They are also in the household&apos;s record. Read them, then mark them as seen.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/inbox.py" line="46"/>
        <source>확인할 인계 기록 없음. 가구를 옮긴 뒤 이전 담당자의 기기에서 늦게 도착한 기록이 여기에 나타납니다.</source>
        <translation>No hand-over records to check. Records that arrive late from the previous worker&apos;s laptop after a household moves appear here.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/inbox.py" line="52"/>
        <source>선택한 기록 확인 처리</source>
        <translation>Acknowledge the selected records</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/inbox.py" line="54"/>
        <source>새로 고침</source>
        <translation>Refresh</translation>
    </message>
</context>
<context>
    <name>IndicatorsPage</name>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="33"/>
        <source>사업 지표 (비식별 집계)</source>
        <translation>Programme indicators (de-identified totals)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="43"/>
        <source>조회</source>
        <translation>Show</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="44"/>
        <source>CSV로 내보내기…</source>
        <translation>Export to CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="45"/>
        <source>엑셀(XLSX)로 내보내기…</source>
        <translation>Export to Excel (XLSX)…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="46"/>
        <source>기간</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="54"/>
        <source>이름·전화번호·주소는 들어가지 않습니다. 1~4명(건)은 &apos;&lt;5&apos;로 가립니다. 내보내기는 사유를 묻고 접근 기록에 남깁니다.</source>
        <translation>No names, phone numbers or addresses are included. Counts of 1-4 are shown as &apos;&lt;5&apos;. Every export asks for a reason and is written to the access log.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="90"/>
        <source>내보내기 사유</source>
        <translation>Reason for the export</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="91"/>
        <source>내보내는 이유를 입력하십시오 (접근 기록에 남습니다):</source>
        <translation>Enter the reason for the export (kept in the access log):</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="96"/>
        <source>사유를 입력해야 내보낼 수 있습니다.</source>
        <translation>Enter a reason to export.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="104"/>
        <source>저장할 곳</source>
        <translation>Save to</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/indicators.py" line="125"/>
        <source>저장했습니다: %1</source>
        <translation>Saved: %1</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/login.py" line="198"/>
        <source>잠겨 있습니다</source>
        <translation>Locked</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="201"/>
        <source>%1 님의 화면이 잠겼습니다. 비밀번호를 입력하십시오.</source>
        <translation>%1, your screen is locked. Enter your password.</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="208"/>
        <source>비밀번호</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="213"/>
        <source>☎ 위기 상담 전화 (109 · 1577-0199 · 119 · 112 · 129)</source>
        <translation>☎ Crisis lines (109 · 1577-0199 · 119 · 112 · 129)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="218"/>
        <source>로그아웃</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="220"/>
        <source>잠금 해제</source>
        <translation>Unlock</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login.py" line="65"/>
        <source>돌봄노트 로그인</source>
        <translation>돌봄노트 sign-in</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="68"/>
        <source>돌봄노트</source>
        <translation>돌봄노트</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="80"/>
        <source>서버 주소</source>
        <translation>Server address</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="81"/>
        <source>아이디</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="82"/>
        <source>비밀번호</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="89"/>
        <source>다른 계정으로 온라인 로그인</source>
        <translation>Sign in online with another account</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="108"/>
        <source>이 기기의 로컬 데이터는 %1에 삭제되었습니다. 다시 로그인하십시오.</source>
        <translation>This laptop&apos;s local data was deleted on %1. Sign in again.</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="121"/>
        <source>처음 한 번은 인터넷에 연결해 로그인해야 합니다. 담당 가구가 이 기기에 암호화되어 저장됩니다.</source>
        <translation>The first time, sign in online. Your households are then kept on this laptop, encrypted.</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="124"/>
        <source>로그인</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="129"/>
        <source>%1 님, 비밀번호를 입력해 잠금을 해제하십시오. 인터넷 연결이 없어도 됩니다.</source>
        <translation>%1, enter your password to unlock. No internet connection is needed.</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="132"/>
        <source>잠금 해제</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="138"/>
        <source>비밀번호를 입력하십시오.</source>
        <translation>Enter your password.</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="141"/>
        <source>서버 주소와 아이디를 입력하십시오.</source>
        <translation>Enter the server address and your username.</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="144"/>
        <source>확인하는 중…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/mainwindow.py" line="59"/>
        <source>돌봄노트 — %1</source>
        <extracomment>The fourth page: the supervisor workspace, or for workers their hand-over inbox.</extracomment>
        <translation>돌봄노트 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="73"/>
        <source>오늘 할 일</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="73"/>
        <source>가구 목록</source>
        <translation>Households</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="73"/>
        <source>동기화</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="101"/>
        <source>관리자 화면</source>
        <translation>Supervisor workspace</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="105"/>
        <source>인계함</source>
        <translation>Hand-over inbox</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="136"/>
        <source>우리동네돌봄단</source>
        <translation>Volunteer (우리동네돌봄단)</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="137"/>
        <source>방문간호사</source>
        <translation>Visiting nurse</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="138"/>
        <source>관리자</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="139"/>
        <source>시스템 관리자</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="143"/>
        <source>도구</source>
        <translation>Tools</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="149"/>
        <source>☎ 위기 상담 전화 (F1)</source>
        <translation>☎ Crisis lines (F1)</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="151"/>
        <source>109 · 1577-0199 · 119 · 112 · 129</source>
        <translation>109 · 1577-0199 · 119 · 112 · 129</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="165"/>
        <source>오늘 할 일 (Ctrl+1)</source>
        <translation>Today (Ctrl+1)</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="168"/>
        <source>가구 목록 (Ctrl+2)</source>
        <translation>Households (Ctrl+2)</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="174"/>
        <source>동기화 (F5)</source>
        <translation>Sync (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="176"/>
        <source>잠금 (Ctrl+L)</source>
        <translation>Lock (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="177"/>
        <location filename="../../ui/mainwindow.py" line="374"/>
        <source>로그아웃</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="287"/>
        <source>저장했습니다.</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="317"/>
        <source>수정할 수 없는 기록</source>
        <translation>A record you cannot correct</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="319"/>
        <source>다른 사업의 기록은 수정하거나 취소할 수 없습니다. 잘못된 내용은 기록한 담당자나 관리자에게 알려 주십시오.</source>
        <translation>Records of the other programme cannot be corrected or voided. Tell the worker who wrote it, or your supervisor, what is wrong.</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="368"/>
        <source>동기화 중입니다. 취소하고 로그아웃하시겠습니까?</source>
        <translation>Syncing. Cancel it and sign out?</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="371"/>
        <source>로그아웃하시겠습니까? 기록은 이 기기에 그대로 남고, 로그인 창으로 돌아갑니다.</source>
        <translation>Sign out? Your records stay on this laptop, and the sign-in window opens.</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <location filename="../../ui/supervisor/people.py" line="43"/>
        <source>사용자 추가</source>
        <translation>Add user</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="52"/>
        <source>10자 이상, 2종류 이상의 문자</source>
        <translation>10+ characters, 2+ kinds of character</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="53"/>
        <source>아이디</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="54"/>
        <source>이름</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="55"/>
        <source>역할</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="56"/>
        <source>처음 비밀번호</source>
        <translation>First password</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <location filename="../../ui/supervisor/people.py" line="79"/>
        <source>사용자와 기기</source>
        <translation>Users and devices</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="88"/>
        <source>사용자 (권한 변경은 3년간 기록됩니다)</source>
        <translation>Users (role changes are kept for 3 years)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="94"/>
        <source>사용자 추가…</source>
        <translation>Add user…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="95"/>
        <source>역할 변경…</source>
        <translation>Change role…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="96"/>
        <location filename="../../ui/supervisor/people.py" line="199"/>
        <source>비활성화</source>
        <translation>Deactivate</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="103"/>
        <source>기기</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="109"/>
        <source>분실·도난 처리…</source>
        <translation>Report lost or stolen…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="113"/>
        <source>새로 고침</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="119"/>
        <source>분실·도난 사고 (개인정보 유출 신고 기한 72시간)</source>
        <translation>Lost or stolen devices (data-breach report due within 72 hours)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="162"/>
        <source>사용자를 추가했습니다: %1</source>
        <translation>User added: %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="177"/>
        <source>역할 변경</source>
        <translation>Change role</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="187"/>
        <source>%1의 역할을 바꿨습니다.</source>
        <translation>Changed the role of %1.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="201"/>
        <source>%1 계정을 비활성화하겠습니까? 그 기기들은 다음 연결 때 자료를 지웁니다.</source>
        <translation>Deactivate the account %1? Its devices delete their data at their next contact.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="210"/>
        <source>%1 계정을 비활성화했습니다.</source>
        <translation>Deactivated %1.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="222"/>
        <source>분실·도난 처리</source>
        <translation>Lost or stolen</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="223"/>
        <source>무슨 일이 있었는지 적어 주십시오 (사고 기록에 남습니다):</source>
        <translation>Describe what happened (kept in the incident record):</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/people.py" line="233"/>
        <source>기기를 분실 처리했습니다. 다음 연결 때 자료를 지웁니다. 신고 기한(72시간): %1</source>
        <translation>The device is marked lost and deletes its data at its next contact. Report deadline (72 h): %1</translation>
    </message>
</context>
<context>
    <name>ReassignDialog</name>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="71"/>
        <source>가구 재배정</source>
        <extracomment>programme -&gt; the role of the workers who hold it</extracomment>
        <translation>Reassign households</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="82"/>
        <source>1. 옮길 가구</source>
        <translation>1. Households to move</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="87"/>
        <source>사업</source>
        <translation>Programme</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="91"/>
        <source>목록에서 선택</source>
        <translation>Pick from the list</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="92"/>
        <source>조건으로</source>
        <translation>By filter</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="93"/>
        <source>담당자의 가구 전체</source>
        <translation>All of one worker&apos;s households</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="99"/>
        <source>선택 방법</source>
        <translation>How to choose</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="101"/>
        <source>현재 담당자</source>
        <translation>Current worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="304"/>
        <source>선택이 바뀌었습니다. 다시 미리보기를 누르십시오.</source>
        <translation>The selection changed. Press Preview again.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="334"/>
        <source>새 담당자를 고르십시오.</source>
        <translation>Choose the new worker.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="105"/>
        <source>전체</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="111"/>
        <source>조건</source>
        <translation>Filter</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="114"/>
        <source>2. 새 담당자와 사유</source>
        <translation>2. New worker and reason</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="117"/>
        <source>새 담당자</source>
        <translation>New worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="120"/>
        <source>예: 퇴사, 담당 지역 조정 (권한 변경 기록에 남습니다)</source>
        <translation>e.g. left the job, area change (kept in the permission log)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="122"/>
        <source>사유</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="123"/>
        <source>미리보기</source>
        <translation>Preview</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="214"/>
        <source>3. 미리보기 (아직 바뀐 것은 없습니다)</source>
        <translation>3. Preview (nothing has changed yet)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="144"/>
        <source>미리보기를 누르면 옮겨질 가구와 영향을 보여 줍니다.</source>
        <translation>Press Preview to see which households move and what is affected.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="103"/>
        <location filename="../../ui/supervisor/reassign.py" line="261"/>
        <source>모든 행정동</source>
        <translation>All dongs</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="129"/>
        <source>가구 목록 (위험도 높은 순, 여러 개 선택 가능)</source>
        <translation>Households (highest risk first; select several)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="137"/>
        <source>이 사업·담당자에 해당하는 가구 없음. 위에서 다른 담당자를 고르십시오.</source>
        <translation>No households for this programme and worker. Choose another worker above.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="151"/>
        <source>미전송 기록이 남아 있을 수 있는 기기 (다음 동기화 때 먼저 올린 뒤 삭제됨)</source>
        <translation>Devices that may still hold unsent records (they upload them at the next sync, then delete)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="171"/>
        <source>되돌리기</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="173"/>
        <source>적용</source>
        <translation>Apply</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="176"/>
        <source>닫기</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="223"/>
        <source>(전체)</source>
        <translation>(all)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="355"/>
        <source>%1가구가 %2에게 옮겨집니다 (이미 담당: %3). 영향: %4. 받는 쪽 내려받기 약 %5 (기록 %6건).</source>
        <translation>%1 households move to %2 (already theirs: %3). Affected: %4. The receiver downloads about %5 (%6 records).</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="366"/>
        <source>이전 담당자의 기기 %1대에 미전송 기록이 있을 수 있습니다: 기록은 버려지지 않고 다음 동기화 때 서버와 새 담당자의 인계함으로 갑니다.</source>
        <translation>%1 devices of the previous worker may hold unsent records: nothing is dropped; at their next sync the records reach the server and the new worker&apos;s hand-over inbox.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="392"/>
        <source>3. 적용됨: 아래 가구의 담당자가 바뀌었습니다</source>
        <translation>3. Applied: these households have a new worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="395"/>
        <source>%1가구를 %2 담당으로 옮겼습니다.</source>
        <translation>Moved %1 households to %2.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="400"/>
        <source>%1가구를 옮겼습니다. 이 창에서 되돌릴 수 있습니다.</source>
        <translation>Moved %1 households. You can undo this from this window.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="418"/>
        <source>3. 되돌림: 아래 가구가 원래 담당자에게 돌아갔습니다</source>
        <translation>3. Undone: these households went back to their worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="419"/>
        <source>재배정을 되돌렸습니다.</source>
        <translation>The reassignment was undone.</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/reassign.py" line="421"/>
        <source>되돌렸습니다: %1가구가 원래 담당자에게 돌아갔습니다.</source>
        <translation>Undone: %1 households went back to their previous worker.</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <location filename="../../ui/forms/form_page.py" line="88"/>
        <source>결과</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="116"/>
        <source>필수 항목 %1 / %2 입력</source>
        <translation>Required answered: %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="123"/>
        <source>총점 %1</source>
        <translation>Total %1</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="124"/>
        <source> (작성 중)</source>
        <translation> (in progress)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="128"/>
        <source>작성 완료</source>
        <translation>Complete</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="128"/>
        <source>작성 중</source>
        <translation>In progress</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="134"/>
        <source>평균 혈압 %1/%2 mmHg</source>
        <translation>Mean BP %1/%2 mmHg</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="139"/>
        <source>혈당 %1 mg/dL</source>
        <translation>Glucose %1 mg/dL</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="141"/>
        <source>BMI %1 (%2)</source>
        <translation>BMI %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="143"/>
        <source>판정: %1</source>
        <translation>Result: %1</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="146"/>
        <source>확인 필요</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="152"/>
        <source>판정 전: 아래 입력을 확인하면 결과가 나옵니다.</source>
        <translation>No result yet: check the entries below and the result will follow.</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="155"/>
        <source>필요한 조치 없음</source>
        <translation>No action needed</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="158"/>
        <source>즉시</source>
        <translation>Immediate</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="159"/>
        <source>긴급</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="160"/>
        <source>일반</source>
        <translation>Routine</translation>
    </message>
</context>
<context>
    <name>RiskBanner</name>
    <message>
        <location filename="../../ui/forms/banner.py" line="86"/>
        <source>⚠ 즉시 조치가 필요합니다</source>
        <extracomment>What a worker can record having done (ids are stored in the referral event). The mental-health and emergency steps: for any immediate action not listed below. The steps each immediate action offers, in order (the first is what to do first).</extracomment>
        <translation>⚠ Immediate action needed</translation>
    </message>
    <message>
        <location filename="../../ui/forms/banner.py" line="103"/>
        <source>한 일을 기록해야 저장할 수 있습니다:</source>
        <translation>Record what you did before saving:</translation>
    </message>
    <message>
        <location filename="../../ui/forms/banner.py" line="119"/>
        <source>조치 내용 메모 (예: 109 상담사와 통화 연결, 딸에게 연락)</source>
        <translation>Note on what was done (e.g. connected to a 109 counsellor, called the daughter)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/banner.py" line="146"/>
        <source>위험 가구의 문 앞에서 응답이 없으면 바로 알리는 것이 원칙입니다: 먼저 동 주민센터에 알리십시오.</source>
        <translation>No answer at the door of a household at risk is reported at once: first tell the community centre (동 주민센터).</translation>
    </message>
    <message>
        <location filename="../../ui/forms/banner.py" line="150"/>
        <source>저혈당은 지금 처치합니다: 먼저 당분 15 g을 드시게 하고 15분 뒤 다시 재십시오.</source>
        <translation>Treat low blood sugar now: first give 15 g of sugar, then measure again after 15 minutes.</translation>
    </message>
</context>
<context>
    <name>SignalAckDialog</name>
    <message>
        <location filename="../../ui/signals_panel.py" line="79"/>
        <source>신호 확인</source>
        <extracomment>Row colours by severity (the same as the board&apos;s signal list).</extracomment>
        <translation>Acknowledge signal</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="87"/>
        <source>무엇을 확인했고 어떻게 하기로 했는지 남기십시오 (기록으로 동기화됩니다).</source>
        <translation>Write what you checked and what was decided (saved as a record that syncs).</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="92"/>
        <source>예: 전화로 상태 확인, 다음 주 방문 약속</source>
        <translation>e.g. checked by phone, visit agreed for next week</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="95"/>
        <source>후속 확인일</source>
        <translation>Follow-up on</translation>
    </message>
</context>
<context>
    <name>SignalsPanel</name>
    <message>
        <location filename="../../ui/signals_panel.py" line="199"/>
        <source>심각도</source>
        <translation>Severity</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="200"/>
        <source>종류</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="201"/>
        <source>시작</source>
        <translation>Since</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="202"/>
        <source>신호</source>
        <translation>Signal</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="203"/>
        <source>확인</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="211"/>
        <source>근거 기록 (두 번 누르면 타임라인에서 봅니다)</source>
        <translation>Evidence records (double-click to see one in the timeline)</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="213"/>
        <source>날짜</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="213"/>
        <source>기록</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="213"/>
        <source>값</source>
        <translation>Values</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="224"/>
        <source>확인 기록…</source>
        <translation>Acknowledge…</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="245"/>
        <source>확인이 필요한 신호 %1건, 확인된 신호 %2건 (규칙 %3)</source>
        <translation>%1 signals to acknowledge, %2 acknowledged (rules %3)</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="254"/>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="258"/>
        <source>확인 필요</source>
        <translation>To acknowledge</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="300"/>
        <source>근거: %1</source>
        <translation>Source: %1</translation>
    </message>
    <message>
        <location filename="../../ui/signals_panel.py" line="304"/>
        <source>확인: %1, %2 — %3 (후속 확인일 %4)</source>
        <translation>Acknowledged: %1, %2 — %3 (follow-up on %4)</translation>
    </message>
</context>
<context>
    <name>SupervisorWorkspace</name>
    <message>
        <location filename="../../ui/supervisor/workspace.py" line="38"/>
        <source>현황판</source>
        <translation>Board</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/workspace.py" line="39"/>
        <source>충돌 검토</source>
        <translation>Review conflicts</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/workspace.py" line="40"/>
        <source>인계함</source>
        <translation>Hand-over inbox</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/workspace.py" line="41"/>
        <source>사용자·기기</source>
        <translation>Users and devices</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/workspace.py" line="42"/>
        <source>폭염·한파</source>
        <translation>Heat and cold</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/workspace.py" line="43"/>
        <source>지표·내보내기</source>
        <translation>Indicators and export</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="345"/>
        <source>동기화</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="348"/>
        <source>상태</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="363"/>
        <source>지금 동기화 (F5)</source>
        <translation>Sync now (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="366"/>
        <source>취소</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="377"/>
        <source>서버가 거부한 기록 (대기열을 막지 않고 따로 보관됨)</source>
        <translation>Records the server refused (set aside; they do not block the queue)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="378"/>
        <location filename="../../ui/sync_panel.py" line="386"/>
        <source>종류</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="378"/>
        <location filename="../../ui/sync_panel.py" line="386"/>
        <location filename="../../ui/sync_panel.py" line="396"/>
        <source>가구</source>
        <translation>Household</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="378"/>
        <source>기록 시각</source>
        <translation>Recorded at</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="378"/>
        <location filename="../../ui/sync_panel.py" line="386"/>
        <location filename="../../ui/sync_panel.py" line="400"/>
        <source>사유</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="381"/>
        <source>거부된 기록 없음. 서버가 받지 않은 기록이 있으면 사유와 함께 여기에 나타납니다.</source>
        <translation>No rejected records. Records the server did not accept appear here with the reason.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="385"/>
        <source>격리된 기록 (인계 중 서버가 받지 않은 기록)</source>
        <translation>Quarantined records (not accepted during a hand-over)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="386"/>
        <location filename="../../ui/sync_panel.py" line="399"/>
        <source>시각</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="389"/>
        <source>격리된 기록 없음. 가구가 다른 담당자에게 넘어간 뒤 서버가 받지 않은 기록이 여기에 나타납니다.</source>
        <translation>No quarantined records. Records the server did not take after a household moved to another worker appear here.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="394"/>
        <source>다른 담당자에게 인계된 가구</source>
        <translation>Households handed over to another worker</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="397"/>
        <source>사업</source>
        <translation>Programme</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="398"/>
        <source>새 담당자</source>
        <translation>New worker</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="403"/>
        <source>인계된 가구 없음. 맡던 가구가 다른 담당자에게 넘어가면 여기에 나타납니다.</source>
        <translation>No households handed over. When a household you held moves to another worker, it appears here.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="498"/>
        <source>동기화를 취소했습니다. 지금까지 보낸 기록은 반영되었습니다.</source>
        <translation>Sync cancelled. What was sent so far has been applied.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="513"/>
        <source>연결 확인 전</source>
        <translation>Not checked yet</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="514"/>
        <source>온라인</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="515"/>
        <source>오프라인</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="519"/>
        <source> (가장 오래된 것 %1분 전)</source>
        <translation> (oldest %1 min ago)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="523"/>
        <source>연결: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Connection: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="524"/>
        <source>마지막 동기화: %1</source>
        <translation>Last sync: %1</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="525"/>
        <source>전송 대기: &lt;b&gt;%1건&lt;/b&gt;</source>
        <translation>Waiting to send: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="526"/>
        <source>거부됨: %1건 · 격리: %2건 · 미해결 충돌: %3건</source>
        <translation>Rejected: %1 · quarantined: %2 · open conflicts: %3</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="535"/>
        <source>⚠ 이 기기의 시계가 서버와 %1분 다릅니다. 그동안 만든 기록에는 표시가 붙습니다. 컴퓨터의 날짜와 시간을 맞춰 주십시오.</source>
        <translation>⚠ This laptop&apos;s clock differs from the server&apos;s by %1 min. Records made meanwhile are flagged. Please set the computer&apos;s date and time.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="542"/>
        <source>마지막 오류: %1</source>
        <translation>Last error: %1</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="253"/>
        <source>지금 동기화 (F5)</source>
        <translation>Sync now (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="267"/>
        <source>연결 중…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="287"/>
        <source>확인 중</source>
        <translation>Checking</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="289"/>
        <source>온라인</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="291"/>
        <source>오프라인</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="296"/>
        <source>마지막 동기화: %1</source>
        <translation>Last sync: %1</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="297"/>
        <source>전송 대기 %1건</source>
        <translation>%1 waiting to send</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="300"/>
        <source>⚠ 기기 시계가 %1분 어긋남</source>
        <translation>⚠ Clock off by %1 min</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <location filename="../../ui/today.py" line="270"/>
        <source>오늘 할 일</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="277"/>
        <source>작성 중인 양식</source>
        <translation>Forms in progress</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="305"/>
        <source>행을 선택하고 Enter를 누르면 알맞은 양식이(즉시 조치는 조치 기록이), Ctrl+Enter를 누르면 가구 화면이 열립니다.</source>
        <translation>Select a row and press Enter to open its form (for an immediate action, Record the action); Ctrl+Enter opens the household.</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="343"/>
        <source>%1 · %2 (%3)</source>
        <translation>%1 · %2 (%3)</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="355"/>
        <source>외 %1건</source>
        <translation>%1 more</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="394"/>
        <source>즉시 조치 %1 · 신호 %5 · 기한 지남 %2 · 오늘 %3 · 예정 %4</source>
        <translation>Immediate %1 · Signals %5 · Overdue %2 · Today %3 · Upcoming %4</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <location filename="../../ui/today.py" line="195"/>
        <source>긴급도</source>
        <extracomment>Immediate rows that Enter answers with 조치 기록 (a done referral naming the row&apos;s record); a referral&apos;s routine or urgent follow-up starts the programme&apos;s form (closed from the household&apos;s 조치·의뢰). Rows that keep their open item (to act on it from the row).</extracomment>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="196"/>
        <source>이름</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="197"/>
        <source>주소</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="198"/>
        <source>이유</source>
        <translation>Why</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="199"/>
        <source>할 일</source>
        <translation>To do</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="200"/>
        <source>기한</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="206"/>
        <source>즉시 조치</source>
        <translation>Immediate action</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="207"/>
        <source>기한 지남</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="208"/>
        <source>오늘</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="209"/>
        <source>예정</source>
        <translation>Upcoming</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="215"/>
        <source>조치 기록</source>
        <translation>Record the action</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="217"/>
        <source>이어서 작성: %1</source>
        <translation>Continue: %1</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="222"/>
        <source>신호 확인</source>
        <translation>Acknowledge signal</translation>
    </message>
    <message>
        <location filename="../../ui/today.py" line="232"/>
        <source>신호 · %1</source>
        <translation>Signal · %1</translation>
    </message>
</context>
<context>
    <name>assignments</name>
    <message>
        <location filename="../../ui/assignment_text.py" line="47"/>
        <source>데모 준비</source>
        <translation>Demo setup</translation>
    </message>
    <message>
        <location filename="../../ui/assignment_text.py" line="62"/>
        <source>데모 자료 (최초 배정)</source>
        <translation>Demo data (first assignment)</translation>
    </message>
    <message>
        <location filename="../../ui/assignment_text.py" line="63"/>
        <source>CSV 파일에서 가져옴 (최초 배정)</source>
        <translation>Imported from a CSV file (first assignment)</translation>
    </message>
    <message>
        <location filename="../../ui/assignment_text.py" line="66"/>
        <source>신규 등록 (최초 배정)</source>
        <translation>New registration (first assignment)</translation>
    </message>
    <message>
        <location filename="../../ui/assignment_text.py" line="70"/>
        <source>서버에서 더 이상 내 담당이 아님 (이 기기가 떨어져 있는 동안 재배정되었거나 서버가 백업에서 복원됨)</source>
        <translation>No longer assigned to you on the server (reassigned while this laptop was away, or the server was restored from a backup)</translation>
    </message>
    <message>
        <location filename="../../ui/assignment_text.py" line="84"/>
        <source>재배정 되돌림: %1</source>
        <translation>Reassignment undone: %1</translation>
    </message>
</context>
<context>
    <name>charts</name>
    <message>
        <location filename="../../ui/charts.py" line="115"/>
        <source>기록 없음</source>
        <translation>No records</translation>
    </message>
</context>
<context>
    <name>crash</name>
    <message>
        <location filename="../../ui/crash.py" line="156"/>
        <source>예상하지 못한 오류로 작업을 끝내지 못했습니다. 이미 저장된 기록은 안전합니다.
오류 보고서(개인정보 없음)를 저장했습니다:
{path}
문제가 계속되면 이 파일을 구청 IT 담당자에게 보내 주십시오.</source>
        <translation>An unexpected error stopped the task. Records already saved are safe.
An error report (without personal data) was saved:
{path}
If this keeps happening, send this file to your district&apos;s IT team.</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="320"/>
        <source>지난번에 돌봄노트가 예상하지 못한 오류로 종료되었습니다. 저장된 기록은 안전합니다.
오류 보고서(개인정보 없음):
{reports}
문제가 반복되면 이 파일을 구청 IT 담당자에게 보내 주십시오.</source>
        <translation>돌봄노트 closed after an unexpected error last time. Saved records are safe.
Error reports (without personal data):
{reports}
If this happens again, send these files to your district&apos;s IT team.</translation>
    </message>
</context>
<context>
    <name>crisis</name>
    <message>
        <location filename="../../ui/crisis.py" line="83"/>
        <source>위기 상담 전화 (%1)</source>
        <translation>Crisis lines (%1)</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/errors.py" line="53"/>
        <source>비밀번호가 연속으로 여러 번 틀려 이 기기에서는 더 이상 오프라인으로 잠금을 해제할 수 없습니다. 인터넷에 연결해 로그아웃한 뒤 아이디와 비밀번호로 온라인 로그인하십시오. 기록은 이 기기에 그대로 있습니다.</source>
        <translation>The password was wrong too many times in a row, so this laptop can no longer be unlocked offline. Connect to the internet, sign out, and sign in online with your username and password. Your records stay on this laptop.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="60"/>
        <source>비밀번호가 맞지 않습니다. 다시 입력해 주십시오. (Caps Lock이 켜져 있지 않은지 확인하십시오.)</source>
        <translation>The password is not correct. Try again (check that Caps Lock is off).</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="67"/>
        <source>이 데이터는 더 새로운 버전의 앱에서 만들어졌습니다. 앱을 업데이트해 주십시오.</source>
        <translation>This data was written by a newer version of the app. Please update the app.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="74"/>
        <source>디스크 공간이 부족해 저장하지 못했습니다. 공간을 확보한 뒤 다시 저장하십시오. 이전에 저장한 내용은 그대로 있습니다.</source>
        <translation>The disk is full, so it could not be saved. Free some space and save again; what was saved before is kept.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="81"/>
        <source>다른 프로그램(또는 다른 돌봄노트 창)이 데이터를 사용 중입니다. 그 프로그램을 닫고 다시 시도하십시오.</source>
        <translation>Another program (or another 돌봄노트 window) is using the data. Close it and try again.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="88"/>
        <source>로컬 데이터 파일이 손상되었습니다. 파일을 지우지 말고 온라인으로 로그인해 새로 받으십시오.</source>
        <translation>The local data file is damaged. Do not delete it: sign in online to download a fresh copy.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="97"/>
        <source>이 기기는 분실 또는 사용 중지로 등록되어 로컬 데이터가 삭제되었습니다. 담당 관리자에게 문의하십시오.</source>
        <translation>This laptop was reported lost or taken out of use, so its local data was deleted. Ask your supervisor.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="34"/>
        <source>이 컴퓨터에는 안전한 비밀번호 저장소(키링)가 없습니다. 동기화할 때마다 비밀번호를 입력해 주십시오.</source>
        <translation>This computer has no secure password store (keyring). Enter your password each time you sync.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="108"/>
        <source>서버를 잠시 쓸 수 없습니다. 몇 분 뒤 다시 동기화하십시오. 기록은 이 기기에 남아 있고 다음 동기화 때 보내집니다.</source>
        <translation>The server is temporarily unavailable. Sync again in a few minutes. Your records stay on this computer and will be sent at the next sync.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="115"/>
        <source>서버에 연결할 수 없습니다. 인터넷 연결을 확인하십시오. 기록은 이 기기에 저장되어 있고 나중에 동기화됩니다.</source>
        <translation>The server cannot be reached. Check the internet connection. Your records are kept on this laptop and will sync later.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="188"/>
        <source>서버 주소가 올바르지 않습니다. https://server.example.kr 처럼 https:// 와 서버 이름만 입력하십시오. 띄어쓰기, 아이디나 비밀번호, &apos;?&apos;·&apos;#&apos; 기호는 주소에 넣지 않습니다. 주소는 구청 정보화 담당자에게 문의하십시오.</source>
        <translation>The server address is not valid. Enter https:// and the server name only, like https://server.example.kr: no spaces, no user name or password, and no &apos;?&apos; or &apos;#&apos;. Ask your district office&apos;s IT team for the address.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="197"/>
        <source>보안되지 않은 주소(http://)입니다. https:// 로 시작하는 서버 주소를 입력하십시오.</source>
        <translation>That address is not secure (http://). Enter a server address starting with https://.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="122"/>
        <source>동기화를 취소했습니다. 지금까지 보낸 기록은 그대로 반영되어 있습니다.</source>
        <translation>Sync cancelled. What was sent so far has been applied.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="128"/>
        <source>서버가 더 새로운 버전의 앱을 요구합니다. 앱을 업데이트해 주십시오. 기록은 이 기기에 안전하게 남아 있습니다.</source>
        <translation>The server needs a newer version of the app. Please update it; your records are safe on this laptop.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="135"/>
        <source>로그인하지 못했습니다. 아이디나 비밀번호가 틀렸거나, 실패가 반복되어 계정이 잠겼거나, 로그인이 만료되었습니다. 확인한 뒤 다시 로그인하십시오.</source>
        <translation>Could not sign in: the username or password is wrong, the account is locked after repeated failures, or the sign-in expired. Check and sign in again.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="144"/>
        <source>이 컴퓨터 계정의 돌봄노트 데이터는 %1 님의 것이라 다른 아이디로 로그인할 수 없습니다. %1 님의 기록은 그대로 있습니다. 한 컴퓨터를 함께 쓰면 사람마다 따로 컴퓨터 사용자 계정(Windows 로그인)을 만들어 돌봄노트를 여십시오.</source>
        <translation>The 돌봄노트 data of this computer account belongs to %1, so no one else can sign in to it. %1&apos;s records are untouched. When people share a computer, give each person their own computer user account (Windows sign-in) and open 돌봄노트 there.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="161"/>
        <source>이 양식은 이미 저장되어 있습니다. 같은 기록을 두 번 저장하지 않았습니다. 작성 중이던 임시 저장본은 지웠습니다.</source>
        <translation>This form was already saved. The same record was not saved twice; its leftover draft was removed.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="193"/>
        <source>서버의 보안 인증서를 확인하지 못했습니다. 이 네트워크에서는 계속하지 마십시오. 구청이 자체 인증서를 쓰는 경우 정보화 담당자에게 인증서 파일(CA 번들)을 받아 로그인하십시오.</source>
        <translation>The server&apos;s security certificate could not be verified. Do not continue on this network. If your district uses its own certificate authority, get the certificate file (CA bundle) from its IT team and sign in with it.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="220"/>
        <source>이 기기의 데이터 파일(%1)이 없어졌습니다. 아직 서버로 보내지 않은 기록 %2건이 그 안에 있었습니다.</source>
        <translation>This laptop&apos;s data file (%1) is gone. It held %2 records not yet sent to the server.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="225"/>
        <source>이 기기의 데이터 파일(%1)이 전에 쓰던 파일이 아닙니다. 전 파일에는 보내지 않은 기록 %2건이 있었고, 지금 파일에는 %3건이 있습니다.</source>
        <translation>This laptop&apos;s data file (%1) is not the one it was using. The previous file held %2 records not yet sent; this one holds %3.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="230"/>
        <source>이 기기의 데이터 파일(%1)에 보내지 않은 기록이 %3건뿐입니다. 이 기기가 센 것은 %2건이므로 %4건이 없어졌습니다.</source>
        <translation>This laptop&apos;s data file (%1) holds only %3 records not yet sent, but the laptop counted %2: %4 are missing.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="238"/>
        <source>(보내지 않은 기록: %1부터 %2까지)</source>
        <translation>(unsent records from %1 to %2)</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="242"/>
        <source>아무것도 동기화하지 않았습니다. 백업이 있으면 파일을 (-wal 파일과 함께) 되돌려 놓으십시오. 남은 기록은 fieldapp-sync export-pending 으로 따로 저장할 수 있습니다. 온라인으로 로그인하면 없어진 기록을 포기하고 지금 파일로 계속합니다. 관리자에게 알리십시오.</source>
        <translation>Nothing was synced. If there is a backup, put the file back (with its -wal file). The records left can be saved apart with fieldapp-sync export-pending. Signing in online gives up the missing records and carries on with this file. Tell your supervisor.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="253"/>
        <source>이 기기의 데이터 파일(%1)이 없어져 새 파일을 만들고 담당 가구를 서버에서 다시 받았습니다. 없어진 파일에는 서버로 보내지 않은 기록 %2건이 있었습니다. 백업이 있으면 관리자에게 알리고 파일을 되돌려 놓으십시오.</source>
        <translation>This laptop&apos;s data file (%1) was missing, so a new one was made and your households were fetched again from the server. The missing file held %2 records not yet sent to the server. If there is a backup, tell your administrator and put the file back.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="258"/>
        <source>이 기기의 데이터 파일(%1)을 쓸 수 없어 새 파일을 만들고 담당 가구를 서버에서 다시 받았습니다. 쓸 수 없던 파일은 지우지 않고 다음 위치에 옮겨 두었습니다: %3</source>
        <translation>This laptop&apos;s data file (%1) could not be used, so a new one was made and your households were fetched again from the server. The unusable file was kept, not deleted, and moved to: %3</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="264"/>
        <source>그 파일에는 서버로 보내지 않은 기록 %2건이 있었습니다. 관리자에게 알리십시오. 읽을 수 있는 기록은 fieldapp-sync export-pending --database 로 따로 저장할 수 있습니다.</source>
        <translation>That file held %2 records not yet sent to the server. Tell your administrator. The records that can still be read can be saved with fieldapp-sync export-pending --database.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="269"/>
        <source>이 기기가 센 보내지 않은 기록은 %2건인데 데이터 파일(%1)에는 %4건만 있었습니다. 온라인 로그인으로 없어진 기록을 포기하고 지금 파일로 계속합니다. 백업이 있으면 관리자에게 알리십시오.</source>
        <translation>This laptop counted %2 records not yet sent, but the data file (%1) held only %4. Signing in online gave up the missing records and continues with the file as it is. If there is a backup, tell your administrator.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="301"/>
        <source>(온라인 로그인이 필요해지기까지 %1번 남음)</source>
        <translation>(%1 tries left before an online sign-in is needed)</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="168"/>
        <source>입력 내용을 확인해 주십시오:</source>
        <translation>Please check what you entered:</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="174"/>
        <source>서버가 요청을 처리하지 못했습니다. 잠시 후 다시 시도하십시오. 기록은 이 기기에 남아 있습니다.</source>
        <translation>The server could not handle the request. Try again later; your records stay on this laptop.</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="348"/>
        <location filename="../../ui/errors.py" line="292"/>
        <location filename="../../ui/errors.py" line="308"/>
        <source>돌봄노트</source>
        <translation>돌봄노트</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="170"/>
        <location filename="../../ui/errors.py" line="319"/>
        <source>돌봄노트 오류</source>
        <translation>돌봄노트 error</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="321"/>
        <source>예상하지 못한 오류가 발생했습니다. 저장된 기록은 안전합니다. 오류 내용이 로그에 기록되었습니다.</source>
        <translation>Something unexpected went wrong. Saved records are safe. The details were written to the log.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="329"/>
        <source>오류 보고서: {path}</source>
        <translation>Error report: {path}</translation>
    </message>
</context>
<context>
    <name>files</name>
    <message>
        <location filename="../../ui/supervisor/common.py" line="83"/>
        <source>위치:</source>
        <translation>Look in:</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/common.py" line="84"/>
        <source>파일 이름:</source>
        <translation>File name:</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/common.py" line="85"/>
        <source>파일 형식:</source>
        <translation>Files of type:</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/common.py" line="86"/>
        <source>저장</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/common.py" line="87"/>
        <source>취소</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>household</name>
    <message>
        <location filename="../../ui/household_view.py" line="117"/>
        <source>전화</source>
        <extracomment>The rule&apos;s open items shown as rows of 조치·의뢰 (open immediate actions and referrals).</extracomment>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="118"/>
        <source>도로명주소</source>
        <translation>Road address</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="119"/>
        <source>상세주소</source>
        <translation>Address detail</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="120"/>
        <source>가구 유형</source>
        <translation>Household type</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="121"/>
        <source>위험도</source>
        <translation>Risk</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="122"/>
        <source>관리군</source>
        <translation>Care group</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="123"/>
        <source>고립 위험</source>
        <translation>Isolation risk</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="124"/>
        <location filename="../../ui/household_view.py" line="250"/>
        <source>메모</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="125"/>
        <source>비상 연락처</source>
        <translation>Emergency contacts</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="126"/>
        <source>개인정보 동의</source>
        <translation>Consent (personal data)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="127"/>
        <source>민감정보(건강) 동의</source>
        <translation>Consent (health data)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="149"/>
        <source>(임상 기록: 볼 권한 없음)</source>
        <translation>(clinical record: not visible to you)</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="160"/>
        <source>%1점</source>
        <translation>%1 points</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="168"/>
        <source>혈압 %1</source>
        <translation>BP %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="171"/>
        <source>혈당 %1</source>
        <translation>Glucose %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="177"/>
        <source>체중 %1kg</source>
        <translation>Weight %1 kg</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="181"/>
        <location filename="../../ui/household_view.py" line="246"/>
        <source>방문</source>
        <translation>Visit</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="185"/>
        <source>단계 %1</source>
        <translation>level %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="194"/>
        <source>완료</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="196"/>
        <source>진행 중</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="204"/>
        <source>수정</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="205"/>
        <source>인쇄</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="206"/>
        <source>내보내기</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="210"/>
        <source>접근 기록: %1</source>
        <translation>Access log: %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="213"/>
        <source>취소: %1</source>
        <translation>Void: %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="218"/>
        <source>신호 확인 (%1): %2</source>
        <translation>Signal acknowledged (%1): %2</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="221"/>
        <source> · 후속 확인일 %1</source>
        <translation> · follow-up on %1</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="247"/>
        <source>선별검사</source>
        <translation>Screening</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="248"/>
        <source>안부확인</source>
        <translation>Welfare check</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="249"/>
        <source>조치·의뢰</source>
        <translation>Actions and referrals</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="253"/>
        <source>신호 확인</source>
        <translation>Signal acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="203"/>
        <location filename="../../ui/household_view.py" line="251"/>
        <source>열람</source>
        <translation>Access</translation>
    </message>
    <message>
        <location filename="../../ui/household_view.py" line="252"/>
        <source>취소</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../ui/households_model.py" line="84"/>
        <source>높음</source>
        <translation>High</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="85"/>
        <source>중간</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="86"/>
        <source>낮음</source>
        <translation>Low</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="90"/>
        <source>집중관리군</source>
        <translation>Intensive</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="91"/>
        <source>정기관리군</source>
        <translation>Regular</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="92"/>
        <source>자기역량지원군</source>
        <translation>Self-support</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="96"/>
        <source>기한 지남</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="97"/>
        <source>오늘</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="98"/>
        <source>즉시 조치</source>
        <translation>Immediate action</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="99"/>
        <source>예정</source>
        <translation>Upcoming</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="100"/>
        <source>여유</source>
        <translation>Not due</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="104"/>
        <source>독거어르신</source>
        <translation>Older person living alone</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="105"/>
        <source>중장년 1인가구</source>
        <translation>Middle-aged, living alone</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="106"/>
        <source>청년 1인가구</source>
        <translation>Young, living alone</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="107"/>
        <source>쪽방</source>
        <translation>Jjokbang (single room)</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="108"/>
        <source>기타</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="111"/>
        <location filename="../../ui/households_model.py" line="131"/>
        <source>안부확인</source>
        <translation>Welfare check</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="112"/>
        <source>방문건강</source>
        <translation>Visiting health</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="115"/>
        <source>즉시</source>
        <translation>Immediate</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="116"/>
        <source>긴급</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="117"/>
        <source>일반</source>
        <translation>Routine</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="120"/>
        <source>전송 대기</source>
        <translation>Pending</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="121"/>
        <source>전송됨</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="122"/>
        <source>서버 반영</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="123"/>
        <source>거부됨</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../ui/households_model.py" line="133"/>
        <source>방문 기록</source>
        <translation>Home visit</translation>
    </message>
</context>
<context>
    <name>saved</name>
    <message>
        <location filename="../../ui/saved_texts.py" line="76"/>
        <source>: 연계 완료</source>
        <extracomment>Referral targets and reasons of the demo history (fieldapp/demo.py, sync/server/demo_workflows.py). How a saved referral joins its pieces (ui/forms/form_page.py, fieldapp/records.py).</extracomment>
        <translation>: referral completed</translation>
    </message>
    <message>
        <location filename="../../ui/saved_texts.py" line="91"/>
        <source> / 조치 메모: </source>
        <translation> / action note: </translation>
    </message>
</context>
<context>
    <name>server</name>
    <message>
        <location filename="../../ui/server_messages.py" line="18"/>
        <source>서버가 요청을 받아들이지 않았습니다. 입력한 내용을 확인한 뒤 다시 시도하십시오.</source>
        <translation>The server did not accept the request. Check what you entered and try again.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="22"/>
        <source>이 작업을 할 권한이 없습니다. 필요하면 구 관리자에게 요청하십시오.</source>
        <translation>You are not allowed to do this. Ask your district administrator if you need to.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="25"/>
        <source>찾는 항목이 서버에 없습니다. 다른 사람이 먼저 바꿨을 수 있으니 새로 고침하십시오.</source>
        <translation>The server does not have this item. Someone may have changed it first: refresh.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="29"/>
        <source>로그인이 만료되었습니다. 로그아웃한 뒤 다시 로그인하십시오.</source>
        <translation>Your sign-in has expired. Sign out and sign in again.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="32"/>
        <source>로그인 실패가 반복되어 계정이 잠시 잠겼습니다. 잠시 뒤 다시 시도하십시오.</source>
        <translation>The account is locked for a while after repeated failed sign-ins. Try again later.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="35"/>
        <source>이 기기는 사용이 중지되었습니다. 관리자에게 문의하십시오.</source>
        <translation>This laptop has been taken out of use. Contact your administrator.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="38"/>
        <source>요청이 너무 큽니다. 한 번에 고르는 가구 수를 줄이십시오.</source>
        <translation>The request is too large. Choose fewer households at a time.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="41"/>
        <source>서버가 더 새로운 버전의 앱을 요구합니다. 앱을 업데이트하십시오.</source>
        <translation>The server needs a newer version of the app. Update the app.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="44"/>
        <source>서버의 데이터가 바뀌었습니다. 동기화한 뒤 다시 시도하십시오.</source>
        <translation>The server&apos;s data changed. Sync, then try again.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="47"/>
        <source>같은 요청이 다른 내용으로 다시 왔습니다. 다시 시도하십시오.</source>
        <translation>The same request came again with different content. Try again.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="51"/>
        <source>옮길 가구를 고르십시오: 목록에서 선택하거나, 조건을 정하거나, 담당자의 가구 전체를 고릅니다.</source>
        <translation>Choose the households to move: select them in the list, set conditions, or take all of a worker&apos;s households.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="55"/>
        <source>선택한 가구가 없습니다. 목록에서 가구를 하나 이상 고르십시오.</source>
        <translation>No household is selected. Select at least one household in the list.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="58"/>
        <source>조건에 맞는 가구가 없습니다. 조건을 바꾸십시오.</source>
        <translation>No household matches the conditions. Change them.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="61"/>
        <source>비활성화된 담당자입니다. 사용 중인 담당자를 고르십시오.</source>
        <translation>This worker is deactivated. Choose an active worker.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="64"/>
        <source>이 사업을 맡을 수 없는 담당자입니다. 같은 사업의 담당자를 고르십시오.</source>
        <translation>This worker cannot hold this programme. Choose a worker of the same programme.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="67"/>
        <source>재배정 사유를 입력하십시오. 권한 변경 기록에 남습니다.</source>
        <translation>Enter a reason for the reassignment. It is kept in the permission log.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="70"/>
        <source>선택한 가구는 모두 이미 새 담당자가 맡고 있습니다.</source>
        <translation>The new worker already holds every selected household.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="73"/>
        <source>오래된 재배정이라 되돌릴 수 없습니다. 새 재배정으로 다시 옮기십시오.</source>
        <translation>This reassignment is too old to undo. Move the households back with a new reassignment.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="76"/>
        <source>이미 되돌린 재배정입니다.</source>
        <translation>This reassignment was already undone.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="77"/>
        <source>그 뒤에 다시 옮겨진 가구가 있어 되돌릴 수 없습니다. 새 재배정으로 옮기십시오.</source>
        <translation>Some households were moved again since, so this cannot be undone. Make a new reassignment.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="82"/>
        <source>이 구에 없는 행정동입니다. 목록에서 행정동을 고르십시오.</source>
        <translation>This dong is not in the district. Choose a dong from the list.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="85"/>
        <source>자기 계정은 비활성화하거나 역할을 바꿀 수 없습니다.</source>
        <translation>You cannot deactivate your own account or change its role.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="88"/>
        <source>이미 회수되었거나 분실 처리된 기기입니다.</source>
        <translation>This laptop has already been revoked or reported lost.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="92"/>
        <source>끝나는 날이 시작하는 날보다 앞섭니다. 날짜를 확인하십시오.</source>
        <translation>The end date is before the start date. Check the dates.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="95"/>
        <source>끝나는 날이 이미 지났습니다. 오늘 이후로 정하십시오.</source>
        <translation>The end date has already passed. Choose today or later.</translation>
    </message>
    <message>
        <location filename="../../ui/server_messages.py" line="98"/>
        <source>이미 종료된 특보입니다.</source>
        <translation>This alert has already ended.</translation>
    </message>
</context>
<context>
    <name>supervisor</name>
    <message>
        <location filename="../../ui/supervisor/models.py" line="47"/>
        <source>높음</source>
        <translation>High</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="48"/>
        <source>중간</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="49"/>
        <source>낮음</source>
        <translation>Low</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="55"/>
        <source>돌봄단</source>
        <translation>Volunteer</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="56"/>
        <source>방문간호사</source>
        <translation>Visiting nurse</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="57"/>
        <source>관리자</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="58"/>
        <source>시스템 관리자</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="64"/>
        <location filename="../../ui/supervisor/models.py" line="108"/>
        <source>안부확인</source>
        <translation>Welfare check</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="65"/>
        <source>방문건강관리</source>
        <translation>Visiting health</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="116"/>
        <source>보고 없음</source>
        <translation>No report</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="219"/>
        <location filename="../../ui/supervisor/models.py" line="365"/>
        <location filename="../../ui/supervisor/models.py" line="505"/>
        <location filename="../../ui/supervisor/models.py" line="606"/>
        <source>담당자</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="223"/>
        <location filename="../../ui/supervisor/models.py" line="474"/>
        <source>역할</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="225"/>
        <source>사업</source>
        <translation>Programme</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="229"/>
        <source>담당 가구</source>
        <translation>Households</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="234"/>
        <source>기한 지남</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="240"/>
        <source>오늘</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="243"/>
        <source>고위험</source>
        <translation>High risk</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="248"/>
        <source>즉시 조치</source>
        <translation>Immediate actions</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="254"/>
        <location filename="../../ui/supervisor/models.py" line="367"/>
        <location filename="../../ui/supervisor/models.py" line="512"/>
        <source>마지막 동기화</source>
        <translation>Last sync</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="258"/>
        <source>미전송(기기 보고)</source>
        <translation>Unsent (device report)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="263"/>
        <location filename="../../ui/supervisor/models.py" line="361"/>
        <location filename="../../ui/supervisor/models.py" line="500"/>
        <location filename="../../ui/supervisor/models.py" line="604"/>
        <source>기기</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="272"/>
        <location filename="../../ui/supervisor/models.py" line="309"/>
        <location filename="../../ui/supervisor/models.py" line="338"/>
        <location filename="../../ui/supervisor/models.py" line="391"/>
        <location filename="../../ui/supervisor/models.py" line="441"/>
        <location filename="../../ui/supervisor/models.py" line="560"/>
        <source>가구</source>
        <translation>Household</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="275"/>
        <location filename="../../ui/supervisor/models.py" line="314"/>
        <location filename="../../ui/supervisor/models.py" line="562"/>
        <source>행정동</source>
        <translation>Dong</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="279"/>
        <location filename="../../ui/supervisor/models.py" line="318"/>
        <location filename="../../ui/supervisor/models.py" line="429"/>
        <location filename="../../ui/supervisor/models.py" line="566"/>
        <source>위험도</source>
        <translation>Risk</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="295"/>
        <source>안부확인 담당</source>
        <translation>Welfare-check worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="299"/>
        <source>방문건강 담당</source>
        <translation>Visiting-health worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="287"/>
        <location filename="../../ui/supervisor/models.py" line="323"/>
        <source>현재 담당</source>
        <translation>Current worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="327"/>
        <location filename="../../ui/supervisor/models.py" line="347"/>
        <source>미배정</source>
        <translation>Unassigned</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="343"/>
        <source>이전 담당</source>
        <translation>Previous worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="351"/>
        <source>새 담당</source>
        <translation>New worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="371"/>
        <source>미전송 기록</source>
        <translation>Unsent records</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="376"/>
        <source>판단</source>
        <translation>Assessment</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="378"/>
        <source>미전송 있음</source>
        <translation>Unsent records</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="380"/>
        <source>최근 보고 없음 (오프라인 기록 가능)</source>
        <translation>No recent report (may hold offline records)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="392"/>
        <source>항목</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="394"/>
        <source>값 A</source>
        <translation>Value A</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="399"/>
        <source>A 입력</source>
        <translation>A entered</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="403"/>
        <source>값 B</source>
        <translation>Value B</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="408"/>
        <source>B 입력</source>
        <translation>B entered</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="412"/>
        <location filename="../../ui/supervisor/models.py" line="476"/>
        <location filename="../../ui/supervisor/models.py" line="507"/>
        <location filename="../../ui/supervisor/models.py" line="547"/>
        <source>상태</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="414"/>
        <source>해결됨</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="416"/>
        <source>미해결</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="425"/>
        <source>전화번호</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="426"/>
        <source>도로명주소</source>
        <translation>Road address</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="427"/>
        <source>상세주소</source>
        <translation>Address detail</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="428"/>
        <source>가구 유형</source>
        <translation>Household type</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="430"/>
        <source>관리군</source>
        <translation>Care group</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="431"/>
        <source>고립 위험</source>
        <translation>Isolation risk</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="106"/>
        <location filename="../../ui/supervisor/models.py" line="432"/>
        <location filename="../../ui/supervisor/models.py" line="615"/>
        <source>메모</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="107"/>
        <source>방문</source>
        <translation>Home visit</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="109"/>
        <source>선별검사</source>
        <translation>Screening</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="110"/>
        <source>조치·의뢰</source>
        <translation>Action / referral</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="111"/>
        <source>가구 정보 수정</source>
        <translation>Household details changed</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="433"/>
        <source>비상연락처</source>
        <translation>Emergency contacts</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="434"/>
        <source>일반 동의</source>
        <translation>General consent</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="435"/>
        <source>민감정보 동의</source>
        <translation>Health-data consent</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="443"/>
        <source>기록</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="446"/>
        <source>보낸 이(이전 담당)</source>
        <translation>From (previous worker)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="450"/>
        <source>받는 이(새 담당)</source>
        <translation>To (new worker)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="453"/>
        <source>도착</source>
        <translation>Arrived</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="455"/>
        <source>확인</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="459"/>
        <source>미확인</source>
        <translation>Not acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="468"/>
        <source>아이디</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="470"/>
        <source>이름</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="478"/>
        <source>사용</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="480"/>
        <source>비활성</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="485"/>
        <source>기기 수</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="494"/>
        <source>사용 중</source>
        <translation>In use</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="495"/>
        <source>회수됨</source>
        <translation>Revoked</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="496"/>
        <source>분실</source>
        <translation>Lost</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="504"/>
        <source>기기 ID</source>
        <translation>Device ID</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="516"/>
        <source>미전송(보고)</source>
        <translation>Unsent (reported)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="525"/>
        <source>폭염</source>
        <translation>Heat</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="526"/>
        <source>한파</source>
        <translation>Cold</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="529"/>
        <source>주의보</source>
        <translation>Advisory</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="530"/>
        <source>경보</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="534"/>
        <source>종류</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="539"/>
        <source>기간</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="542"/>
        <source>대상 가구</source>
        <translation>Households covered</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="549"/>
        <source>진행 중</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="551"/>
        <source>종료/대기</source>
        <translation>Ended/waiting</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="570"/>
        <source>담당</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="574"/>
        <source>오늘 연락</source>
        <translation>Contacted today</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="576"/>
        <source>완료</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="578"/>
        <source>미완료</source>
        <translation>Not done</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="584"/>
        <source>마지막 연락</source>
        <translation>Last contact</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="593"/>
        <source>지표</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="595"/>
        <source>구분</source>
        <translation>Group</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="596"/>
        <source>값</source>
        <translation>Value</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="597"/>
        <source>단위</source>
        <translation>Unit</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="607"/>
        <source>분실 처리 시각</source>
        <translation>Marked lost at</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="609"/>
        <source>신고 기한 (72시간)</source>
        <translation>Report due (72 h)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/models.py" line="613"/>
        <source>처리자</source>
        <translation>Reported by</translation>
    </message>
</context>
<context>
    <name>sync</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="35"/>
        <source>보내는 중</source>
        <extracomment>How often the controller asks the policy whether a sync is due.</extracomment>
        <translation>Sending</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="36"/>
        <source>받는 중</source>
        <translation>Receiving</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="37"/>
        <source>저장하는 중</source>
        <translation>Saving</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="38"/>
        <source>인계 정리 중</source>
        <translation>Finishing hand-overs</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="223"/>
        <source>없음</source>
        <extracomment>Whether a sync of this session has reached the server (the saved status may say &quot;online&quot; from an earlier session: it is not believed until then).</extracomment>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="226"/>
        <source>방금</source>
        <translation>Just now</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="228"/>
        <source>%1분 전</source>
        <translation>%1 min ago</translation>
    </message>
</context>
</TS>
